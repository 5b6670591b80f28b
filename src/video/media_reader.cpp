#include "video/media_reader.h"

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <opencv2/core.hpp>

#include "io/image_mat.h"

namespace comicgan::video {
namespace {

// Clockwise degrees (0, 90, 180, 270) that turn the stored picture upright, as ffmpeg's own
// autorotation reads the display matrix.
int rotation_of(const AVStream* stream) {
  const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (!matrix) return 0;
  double ccw = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(ccw)) return 0;
  int degrees = int(std::lround(-ccw / 90.0)) * 90 % 360;
  return degrees < 0 ? degrees + 360 : degrees;
}

// The DURATION tag ("00:00:01.001000000") Matroska files written by FFmpeg carry per stream; 0
// when absent.
double tagged_duration(const AVStream* stream) {
  const AVDictionaryEntry* tag = av_dict_get(stream->metadata, "DURATION", nullptr, 0);
  int h = 0, m = 0;
  double s = 0;
  if (!tag || std::sscanf(tag->value, "%d:%d:%lf", &h, &m, &s) != 3) return 0;
  return h * 3600.0 + m * 60.0 + s;
}

// A file in memory must not reach out for other files (playlists, references): refused.
int refuse_nested_open(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

// Decoder options bounding the pictures a decoder may allocate (libavcodec refuses larger ones).
AVDictionary* decoder_limits(const VideoLimits& limits) {
  AVDictionary* options = nullptr;
  // libavcodec's option is an int in [0, INT_MAX]; a larger --max-pixels must not make every
  // video fail to open (the stream-header check in open() still applies the whole limit).
  av_dict_set_int(&options, "max_pixels",
                  std::clamp<int64_t>(limits.max_pixels, 1, std::numeric_limits<int>::max()), 0);
  return options;
}

}  // namespace

// The reading end of a custom AVIOContext over bytes in memory.
struct MediaReader::MemoryInput {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  AVIOContext* avio = nullptr;

  MemoryInput(const uint8_t* bytes, size_t n) : data(bytes), size(n) {
    constexpr int kBufferSize = 32 * 1024;
    auto* buffer = static_cast<unsigned char*>(av_malloc(kBufferSize));
    check(buffer != nullptr, "out of memory opening a video in memory");
    avio = avio_alloc_context(buffer, kBufferSize, 0, this, &read, nullptr, &seek);
    if (!avio) av_free(buffer);
    check(avio != nullptr, "out of memory opening a video in memory");
  }
  ~MemoryInput() {
    av_freep(&avio->buffer);  // FFmpeg may have replaced the buffer given above
    avio_context_free(&avio);
  }

  static int read(void* opaque, uint8_t* out, int wanted) {
    auto* self = static_cast<MemoryInput*>(opaque);
    size_t n = std::min(size_t(std::max(wanted, 0)), self->size - self->pos);
    if (n == 0) return AVERROR_EOF;
    std::memcpy(out, self->data + self->pos, n);
    self->pos += n;
    return int(n);
  }
  static int64_t seek(void* opaque, int64_t offset, int whence) {
    auto* self = static_cast<MemoryInput*>(opaque);
    const auto size = int64_t(self->size);
    int64_t base = 0;
    switch (whence & ~AVSEEK_FORCE) {
      case AVSEEK_SIZE:
        return size;
      case SEEK_SET:
        base = 0;
        break;
      case SEEK_CUR:
        base = int64_t(self->pos);
        break;
      case SEEK_END:
        base = size;
        break;
      default:
        return AVERROR(EINVAL);
    }
    // Compared without overflow: offsets come from the file.
    if (offset < -base || offset > size - base) return AVERROR(EINVAL);
    self->pos = size_t(base + offset);
    return base + offset;
  }
};

MediaReader::MediaReader(const std::string& path, const VideoLimits& limits)
    : path_(path), packet_(make_packet()), decoded_(make_frame()) {
  open(limits);
}

MediaReader::MediaReader(const uint8_t* data, size_t size, const std::string& label,
                         const VideoLimits& limits)
    : path_(label),
      memory_(std::make_unique<MemoryInput>(data, size)),
      packet_(make_packet()),
      decoded_(make_frame()) {
  open(limits);
}

void MediaReader::open(const VideoLimits& limits) {
  quiet_ffmpeg_log();
  const std::string& path = path_;
  AVFormatContext* raw = nullptr;
  if (memory_) {
    raw = avformat_alloc_context();
    check(raw != nullptr, "out of memory opening ", path);
    raw->pb = memory_->avio;
    raw->flags |= AVFMT_FLAG_CUSTOM_IO;
    raw->io_open = refuse_nested_open;
  }
  // On failure FFmpeg frees the context (not the custom AVIOContext, which memory_ owns). For
  // bytes in memory the label only names the input (and what relative references resolve
  // against, which refuse_nested_open then refuses).
  int ret = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (ret == AVERROR(ENOENT)) fail(path, ": no such file");
  check_av(ret, path, ": not a video file FFmpeg can read");
  format_.reset(raw);
  // The probe decodes a few frames of every stream: it gets the same picture-size limit.
  std::vector<AVDictionary*> probe_options(raw->nb_streams);
  for (auto& options : probe_options) options = decoder_limits(limits);
  ret = avformat_find_stream_info(raw, probe_options.data());
  for (auto& options : probe_options) av_dict_free(&options);
  check_av(ret, path, ": cannot read the stream layout");

  const AVCodec* codec = nullptr;
  video_index_ = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (video_index_ == AVERROR_STREAM_NOT_FOUND) fail(path, ": has no video stream");
  if (video_index_ == AVERROR_DECODER_NOT_FOUND || !codec) {
    int i = av_find_best_stream(raw, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    fail(path, ": unsupported video codec '",
         i >= 0 ? avcodec_get_name(raw->streams[i]->codecpar->codec_id) : "?",
         "' (this FFmpeg has no decoder for it)");
  }
  check_av(video_index_, path, ": cannot pick the video stream");
  AVStream* stream = raw->streams[video_index_];
  const AVCodecParameters* par = stream->codecpar;
  check(par->width > 0 && par->height > 0, path, ": the video stream has no frame size");
  check(par->width <= limits.max_side && par->height <= limits.max_side &&
            int64_t(par->width) * par->height <= limits.max_pixels,
        path, ": ", par->width, "x", par->height, " frames exceed the limit (", limits.max_side,
        " per side, ", limits.max_pixels, " pixels)");

  decoder_.reset(avcodec_alloc_context3(codec));
  check(decoder_ != nullptr, "out of memory opening a decoder");
  check_av(avcodec_parameters_to_context(decoder_.get(), par), path, ": bad codec parameters");
  decoder_->pkt_timebase = stream->time_base;
  // Slice threads only: frame threading with AV_EF_EXPLODE trips an assertion (abort) inside
  // libavcodec 5.1 on damaged data, and decoding is cheap next to stylizing anyway.
  decoder_->thread_type = FF_THREAD_SLICE;
  decoder_->thread_count = 2;
  // Refuse damaged data instead of showing concealed garbage.
  decoder_->err_recognition |= AV_EF_EXPLODE | AV_EF_CRCCHECK;
  AVDictionary* options = decoder_limits(limits);
  ret = avcodec_open2(decoder_.get(), codec, &options);
  av_dict_free(&options);
  check_av(ret, path, ": cannot open the ", codec->name, " decoder");

  info_.rotation = rotation_of(stream);
  bool quarter_turn = info_.rotation == 90 || info_.rotation == 270;
  info_.width = quarter_turn ? par->height : par->width;
  info_.height = quarter_turn ? par->width : par->height;
  info_.time_base = {stream->time_base.num, stream->time_base.den};
  AVRational rate = stream->avg_frame_rate.num ? stream->avg_frame_rate : stream->r_frame_rate;
  if (rate.num > 0 && rate.den > 0) info_.frame_rate = {rate.num, rate.den};
  info_.codec = avcodec_get_name(par->codec_id);
  if (stream->duration != AV_NOPTS_VALUE)
    info_.duration_s = double(stream->duration) * av_q2d(stream->time_base);
  else if (raw->duration != AV_NOPTS_VALUE)
    info_.duration_s = double(raw->duration) / AV_TIME_BASE;
  listed_frames_ = stream->nb_frames;
  info_.frame_count = listed_frames_ > 0
                          ? listed_frames_
                          : int64_t(std::llround(info_.duration_s * info_.frame_rate.value()));
  info_.color_matrix = par->color_space;
  info_.color_primaries = par->color_primaries;
  info_.color_transfer = par->color_trc;
  info_.full_range = par->color_range == AVCOL_RANGE_JPEG;
  // Stream copies only make sense for the streams we keep; the rest are not even read.
  for (unsigned i = 0; i < raw->nb_streams; ++i) {
    auto type = raw->streams[i]->codecpar->codec_type;
    if (int(i) != video_index_ && type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE)
      raw->streams[i]->discard = AVDISCARD_ALL;
  }
  if (raw->streams[video_index_]->start_time != AV_NOPTS_VALUE)
    next_pts_ = raw->streams[video_index_]->start_time;
}

MediaReader::~MediaReader() = default;

std::vector<PacketPtr> MediaReader::take_other_packets() {
  std::vector<PacketPtr> out;
  out.swap(other_packets_);
  return out;
}

bool MediaReader::next(VideoFrame& frame) {
  while (!done_) {
    if (receive(frame)) return true;
    if (draining_) {
      done_ = true;
      break;
    }
    int ret = av_read_frame(format_.get(), packet_.get());
    if (ret == AVERROR_EOF) {
      draining_ = true;
      check_av(avcodec_send_packet(decoder_.get(), nullptr), path_, ": cannot flush the decoder");
      continue;
    }
    check_av(ret, path_, ": damaged or truncated file after frame ", next_index_);
    if (packet_->stream_index == video_index_) {
      ret = avcodec_send_packet(decoder_.get(), packet_.get());
      av_packet_unref(packet_.get());
      check_av(ret, path_, ": damaged video data after frame ", next_index_);
    } else {
      other_packets_.push_back(clone_packet(packet_.get()));
      av_packet_unref(packet_.get());
    }
  }
  check(listed_frames_ <= 0 || next_index_ >= listed_frames_, path_, ": truncated: the file lists ",
        listed_frames_, " frames but only ", next_index_, " could be read");
  // Matroska lists no frame count, but FFmpeg-written files carry the stream's duration as a tag.
  double listed_end = tagged_duration(format_->streams[video_index_]);
  double frame_s = info_.frame_rate.num ? 1.0 / info_.frame_rate.value() : 0.1;
  double read_end = double(next_pts_) * info_.time_base.value();
  check(listed_end <= 0 || read_end >= listed_end - 1.5 * frame_s, path_,
        ": truncated: the video should last ", listed_end, " s but ends after ", read_end, " s");
  return false;
}

bool MediaReader::receive(VideoFrame& frame) {
  int ret = avcodec_receive_frame(decoder_.get(), decoded_.get());
  if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return false;
  check_av(ret, path_, ": damaged video data at frame ", next_index_);
  check(!(decoded_->flags & AV_FRAME_FLAG_CORRUPT) && decoded_->decode_error_flags == 0, path_,
        ": damaged video data at frame ", next_index_);
  convert(decoded_.get(), frame);
  int64_t pts = decoded_->best_effort_timestamp;
  int64_t duration = decoded_->pkt_duration;
  if (duration <= 0 && info_.frame_rate.num > 0)
    duration = av_rescale_q(1, AVRational{info_.frame_rate.den, info_.frame_rate.num},
                            AVRational{info_.time_base.num, info_.time_base.den});
  frame.pts = pts == AV_NOPTS_VALUE ? next_pts_ : pts;
  frame.duration = std::max<int64_t>(duration, 0);
  // Timestamps come from the file: near INT64_MAX the next one would overflow.
  check(!__builtin_add_overflow(frame.pts, frame.duration, &next_pts_), path_,
        ": timestamps out of range at frame ", next_index_);
  frame.index = next_index_++;
  av_frame_unref(decoded_.get());
  return true;
}

void MediaReader::convert(const AVFrame* decoded, VideoFrame& frame) {
  const int w = decoded->width, h = decoded->height;
  // Stored size = upright size, turned back by the rotation.
  const bool quarter_turn = info_.rotation == 90 || info_.rotation == 270;
  const int stored_w = quarter_turn ? info_.height : info_.width;
  const int stored_h = quarter_turn ? info_.width : info_.height;
  check(w == stored_w && h == stored_h, path_, ": frame ", next_index_, " is ", w, "x", h,
        " but the video stream is ", stored_w, "x", stored_h,
        " (a video that changes frame size is not supported)");
  // (It frees the context it is given when it makes another.)
  sws_.reset(sws_getCachedContext(
      sws_.release(), w, h, AVPixelFormat(decoded->format), w, h, AV_PIX_FMT_RGB24,
      SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nullptr, nullptr, nullptr));
  check(sws_ != nullptr, path_, ": cannot convert ",
        av_get_pix_fmt_name(AVPixelFormat(decoded->format)), " frames to RGB");
  // The matrix the picture was coded with; FFmpeg's default (BT.601) when it is not labelled.
  int matrix =
      decoded->colorspace != AVCOL_SPC_UNSPECIFIED ? decoded->colorspace : info_.color_matrix;
  sws_setColorspaceDetails(sws_.get(), sws_getCoefficients(matrix),
                           decoded->color_range == AVCOL_RANGE_JPEG,
                           sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16, 1 << 16);
  Image stored(w, h, 3);
  uint8_t* dst[4] = {stored.pixels.data(), nullptr, nullptr, nullptr};
  int dst_stride[4] = {w * 3, 0, 0, 0};
  sws_scale(sws_.get(), decoded->data, decoded->linesize, 0, h, dst, dst_stride);
  if (info_.rotation == 0) {
    frame.rgb = std::move(stored);
    return;
  }
  frame.rgb = Image(info_.width, info_.height, 3);
  cv::Mat src = io::rgb_mat_view(stored), dst_mat = io::rgb_mat_view(frame.rgb);
  cv::rotate(src, dst_mat,
             info_.rotation == 90    ? cv::ROTATE_90_CLOCKWISE
             : info_.rotation == 180 ? cv::ROTATE_180
                                     : cv::ROTATE_90_COUNTERCLOCKWISE);
}

}  // namespace comicgan::video
