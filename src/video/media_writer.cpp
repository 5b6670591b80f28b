#include "video/media_writer.h"

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <filesystem>

namespace comicgan::video {
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

const AVCodec* pick_encoder(const std::string& requested, const std::string& ext,
                            const AVOutputFormat* format) {
  if (!requested.empty()) {
    const AVCodec* codec = avcodec_find_encoder_by_name(requested.c_str());
    check_option(codec && codec->type == AVMEDIA_TYPE_VIDEO, "codec", requested,
                 ": no such video encoder in this FFmpeg (try libx264, mpeg4, libvpx-vp9)");
    check_option(avformat_query_codec(format, codec->id, FF_COMPLIANCE_NORMAL) != 0, "codec",
                 requested, ": a ", ext, " file cannot hold ", avcodec_get_name(codec->id),
                 " video");
    return codec;
  }
  const char* preferred[] = {ext == ".webm"  ? "libvpx-vp9"
                             : ext == ".gif" ? "gif"
                                             : "libx264",
                             ext == ".webm" ? "libvpx" : "mpeg4"};
  for (const char* name : preferred)
    if (const AVCodec* codec = avcodec_find_encoder_by_name(name)) return codec;
  fail("no video encoder for ", ext, " output in this FFmpeg");
}

// 4:2:0 where the frame size allows it (what every player takes), 4:4:4 for odd sizes.
AVPixelFormat pick_pixel_format(const AVCodec* codec, int width, int height) {
  if (codec->id == AV_CODEC_ID_GIF) return AV_PIX_FMT_RGB8;
  bool even = width % 2 == 0 && height % 2 == 0;
  auto supports = [&](AVPixelFormat f) {
    if (!codec->pix_fmts) return f == AV_PIX_FMT_YUV420P;
    for (const AVPixelFormat* p = codec->pix_fmts; *p != AV_PIX_FMT_NONE; ++p)
      if (*p == f) return true;
    return false;
  };
  if (even && supports(AV_PIX_FMT_YUV420P)) return AV_PIX_FMT_YUV420P;
  if (supports(AV_PIX_FMT_YUV444P)) return AV_PIX_FMT_YUV444P;
  fail("the ", codec->name, " encoder cannot store ", width, "x", height,
       " frames (odd sizes need 4:4:4; try --codec libx264)");
}

}  // namespace

MediaWriter::MediaWriter(const std::string& path, const std::string& format_hint,
                         const VideoInfo& video, const AVFormatContext* copy_from, int video_stream,
                         const EncodeOptions& options,
                         const std::function<void(const std::string&)>& note)
    : path_(path), label_(format_hint), note_(note), frame_(make_frame()) {
  quiet_ffmpeg_log();
  const AVOutputFormat* format = av_guess_format(nullptr, format_hint.c_str(), nullptr);
  check(format != nullptr, format_hint,
        ": unknown video container (use .mp4 .mkv .webm .mov .gif)");
  AVFormatContext* raw = nullptr;
  check_av(avformat_alloc_output_context2(&raw, format, nullptr, path.c_str()), label_,
           ": cannot set up the container");
  out_.reset(raw);
  open_video_encoder(video, options);
  if (copy_from) {
    add_copied_streams(copy_from, video_stream);
    av_dict_copy(&out_->metadata, copy_from->metadata, 0);
  }
  check_av(avio_open(&out_->pb, path.c_str(), AVIO_FLAG_WRITE), label_, ": cannot create the file");
  check_av(avformat_write_header(out_.get(), nullptr), label_, ": cannot write the header");
  header_written_ = true;
}

MediaWriter::~MediaWriter() = default;

void MediaWriter::open_video_encoder(const VideoInfo& video, const EncodeOptions& options) {
  std::string ext = lower_extension(label_);
  const AVCodec* codec = pick_encoder(options.codec, ext, out_->oformat);
  codec_name_ = codec->name;
  encoder_.reset(avcodec_alloc_context3(codec));
  check(encoder_ != nullptr, "out of memory opening an encoder");
  AVCodecContext* enc = encoder_.get();
  enc->width = video.width;
  enc->height = video.height;
  enc->pix_fmt = pick_pixel_format(codec, video.width, video.height);
  // The input's own time base: every timestamp goes through unchanged.
  enc->time_base = AVRational{video.time_base.num, video.time_base.den};
  if (codec->id == AV_CODEC_ID_MPEG4)
    check(enc->time_base.den <= 65535, label_, ": mpeg4 cannot carry the input's time base 1/",
          enc->time_base.den, " exactly; use --codec libx264");
  enc->framerate = AVRational{video.frame_rate.num, video.frame_rate.den};
  enc->sample_aspect_ratio = AVRational{1, 1};
  enc->thread_count = 2;
  // No B-frames: decode order equals presentation order, so MP4 stores each frame's duration
  // (the last one's included) as given, which variable frame rate needs; costs a little bitrate.
  enc->max_b_frames = 0;
  if (enc->pix_fmt != AV_PIX_FMT_RGB8) {
    enc->colorspace = AVColorSpace(video.color_matrix);
    enc->color_primaries = AVColorPrimaries(video.color_primaries);
    enc->color_trc = AVColorTransferCharacteristic(video.color_transfer);
    enc->color_range = video.full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
  }
  if (out_->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  bool has_crf = av_opt_find(enc->priv_data, "crf", nullptr, 0, 0) != nullptr;
  int crf = options.crf;
  if (codec->id == AV_CODEC_ID_H264 && crf < 0) crf = 18;
  if ((codec->id == AV_CODEC_ID_VP9 || codec->id == AV_CODEC_ID_VP8) && crf < 0) crf = 31;
  if (has_crf && crf >= 0) {
    check_av(av_opt_set_int(enc->priv_data, "crf", crf, 0), "crf ", crf, " is out of range for ",
             codec->name);
    if (codec->id == AV_CODEC_ID_VP9 || codec->id == AV_CODEC_ID_VP8) enc->bit_rate = 0;
  } else if (codec->id == AV_CODEC_ID_MPEG4 || codec->id == AV_CODEC_ID_MPEG2VIDEO) {
    // No CRF: a constant quantiser, 2 (best) .. 31, mapped from the CRF scale 0..51.
    int q = crf < 0 ? 3 : std::clamp(2 + crf * 29 / 51, 2, 31);
    enc->flags |= AV_CODEC_FLAG_QSCALE;
    enc->global_quality = FF_QP2LAMBDA * q;
  } else {
    check_option(crf < 0, "crf", "cannot be used: the ", codec->name,
                 " encoder has no quality setting to give it to");
  }
  check_av(avcodec_open2(enc, codec, nullptr), label_, ": cannot open the ", codec->name,
           " encoder");

  video_out_ = avformat_new_stream(out_.get(), nullptr);
  check(video_out_ != nullptr, "out of memory adding the video stream");
  check_av(avcodec_parameters_from_context(video_out_->codecpar, enc), label_,
           ": video parameters");
  video_out_->time_base = enc->time_base;
  video_out_->avg_frame_rate = enc->framerate;
  video_out_->sample_aspect_ratio = enc->sample_aspect_ratio;
}

void MediaWriter::add_copied_streams(const AVFormatContext* in, int video_stream) {
  const std::string ext = lower_extension(label_);
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    const AVStream* s = in->streams[i];
    auto type = s->codecpar->codec_type;
    if (int(i) == video_stream || s->discard == AVDISCARD_ALL ||
        (type != AVMEDIA_TYPE_AUDIO && type != AVMEDIA_TYPE_SUBTITLE))
      continue;
    const char* codec = avcodec_get_name(s->codecpar->codec_id);
    const char* kind = type == AVMEDIA_TYPE_AUDIO ? "audio" : "subtitle";
    std::string what = std::string(kind) + " stream #" + std::to_string(i) + " (" + codec + ")";
    if (out_->oformat->audio_codec == AV_CODEC_ID_NONE && type == AVMEDIA_TYPE_AUDIO) {
      if (note_) note_(ext + " holds no audio: " + what + " dropped");
      continue;
    }
    CopiedStream copy;
    copy.in_time_base = s->time_base;
    if (avformat_query_codec(out_->oformat, s->codecpar->codec_id, FF_COMPLIANCE_NORMAL) != 0) {
      copy.out = avformat_new_stream(out_.get(), nullptr);
      check(copy.out != nullptr, "out of memory adding a stream");
      check_av(avcodec_parameters_copy(copy.out->codecpar, s->codecpar), label_, ": copying ",
               what);
      copy.out->codecpar->codec_tag = 0;
      // FFmpeg 5.1's Matroska muxer turns an Opus stream's initial padding into CodecDelay
      // and moves that stream alone, which its demuxer then undoes only in part: each remux
      // would slip the video ~7 ms against the audio. Without it every stream is shifted
      // alike (as for AAC), so sync is kept; the pre-skip stays in the Opus header.
      if (s->codecpar->codec_id == AV_CODEC_ID_OPUS &&
          std::string(out_->oformat->name).find("matroska") != std::string::npos)
        copy.out->codecpar->initial_padding = 0;
      copy.out->time_base = s->time_base;
      copy.out->disposition = s->disposition;
      av_dict_copy(&copy.out->metadata, s->metadata, 0);
    } else if (type == AVMEDIA_TYPE_AUDIO) {
      copy.transcoder = std::make_unique<AudioTranscoder>(s, out_.get(), out_->oformat->audio_codec,
                                                          label_ + ": " + what);
      if (note_)
        note_("re-encoding " + what + " to " + copy.transcoder->encoder_name() + ": a " + ext +
              " file cannot hold " + codec);
    } else {
      if (note_) note_(what + " dropped: a " + ext + " file cannot hold " + codec + " subtitles");
      continue;
    }
    copied_.emplace(int(i), std::move(copy));
  }
}

void MediaWriter::write(const VideoFrame& frame) {
  AVCodecContext* enc = encoder_.get();
  check(frame.rgb.width == enc->width && frame.rgb.height == enc->height && frame.rgb.channels == 3,
        label_, ": frame ", frame.index, " is ", frame.rgb.width, "x", frame.rgb.height,
        ", the video is ", enc->width, "x", enc->height);
  sws_.reset(sws_getCachedContext(sws_.release(), enc->width, enc->height, AV_PIX_FMT_RGB24,
                                  enc->width, enc->height, enc->pix_fmt,
                                  SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  check(sws_ != nullptr, label_, ": cannot convert RGB to ", av_get_pix_fmt_name(enc->pix_fmt));
  if (enc->pix_fmt != AV_PIX_FMT_RGB8)
    sws_setColorspaceDetails(sws_.get(), sws_getCoefficients(SWS_CS_DEFAULT), 1,
                             sws_getCoefficients(enc->colorspace),
                             enc->color_range == AVCOL_RANGE_JPEG, 0, 1 << 16, 1 << 16);
  av_frame_unref(frame_.get());
  frame_->format = enc->pix_fmt;
  frame_->width = enc->width;
  frame_->height = enc->height;
  check_av(av_frame_get_buffer(frame_.get(), 0), "out of memory for a video frame");
  const uint8_t* src[4] = {frame.rgb.pixels.data(), nullptr, nullptr, nullptr};
  int src_stride[4] = {enc->width * 3, 0, 0, 0};
  sws_scale(sws_.get(), src, src_stride, 0, enc->height, frame_->data, frame_->linesize);
  frame_->pts = frame.pts;
  frame_->pkt_duration = frame.duration;
  durations_[frame.pts] = frame.duration;
  drain_video(frame_.get());
}

void MediaWriter::drain_video(const AVFrame* frame) {
  check_av(avcodec_send_frame(encoder_.get(), frame), label_, ": video encoding failed");
  PacketPtr packet = make_packet();
  while (true) {
    int ret = avcodec_receive_packet(encoder_.get(), packet.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    check_av(ret, label_, ": video encoding failed");
    // Encoders do not all pass the frame's duration on; the last frame's sets the file's length.
    auto it = durations_.find(packet->pts);
    if (it != durations_.end()) {
      packet->duration = it->second;
      durations_.erase(it);
    }
    packet->stream_index = video_out_->index;
    const int64_t end = packet->duration > 0 && packet->pts != AV_NOPTS_VALUE
                            ? packet->pts + packet->duration
                            : AV_NOPTS_VALUE;
    av_packet_rescale_ts(packet.get(), encoder_->time_base, video_out_->time_base);
    // Into a coarser time base (GIF's 1/100 s, Matroska's 1 ms) the end is rounded, not the
    // duration: a rounded duration would put the last frame's end up to a tick off.
    if (end != AV_NOPTS_VALUE) {
      packet->duration =
          av_rescale_q(end, encoder_->time_base, video_out_->time_base) - packet->pts;
      last_pts_ = packet->pts;
      last_end_ = packet->pts + packet->duration;
    }
    mux(packet.get());
  }
}

void MediaWriter::write_copied(AVPacket* packet) {
  auto it = copied_.find(packet->stream_index);
  if (it == copied_.end()) return;
  CopiedStream& copy = it->second;
  if (copy.transcoder) {
    copy.transcoder->push(packet, [this](AVPacket* p) { mux(p); });
    return;
  }
  // MP4's timed text has no gaps: its demuxer returns the empty samples that fill them, and
  // its muxer makes them again. Passing them on would double every gap (or, outside MP4, show
  // empty captions), so they are not content to copy.
  if (copy.out->codecpar->codec_id == AV_CODEC_ID_MOV_TEXT && packet->size == 2 &&
      packet->data[0] == 0 && packet->data[1] == 0)
    return;
  av_packet_rescale_ts(packet, copy.in_time_base, copy.out->time_base);
  packet->stream_index = copy.out->index;
  packet->pos = -1;
  mux(packet);
}

void MediaWriter::mux(AVPacket* packet) {
  check_av(av_interleaved_write_frame(out_.get(), packet), label_, ": writing failed (disk full?)");
}

void MediaWriter::finish(bool complete) {
  if (finished_) return;
  finished_ = true;
  drain_video(nullptr);
  // A GIF frame's delay is only known when the next frame comes; FFmpeg gives the last frame the
  // delay of the one before unless told, which would make the GIF run longer or shorter than
  // the input (up to a whole frame period with variable frame rate).
  if (last_end_ >= 0 && std::string(out_->oformat->name) == "gif")
    check_av(av_opt_set_int(out_->priv_data, "final_delay",
                            std::clamp<int64_t>(last_end_ - last_pts_, 0, 65535), 0),
             label_, ": cannot set the last frame's delay");
  for (auto& [index, copy] : copied_)
    if (copy.transcoder) copy.transcoder->push(nullptr, [this](AVPacket* p) { mux(p); });
  check_av(av_write_trailer(out_.get()), label_, ": cannot finish the file (disk full?)");
  check_av(avio_closep(&out_->pb), label_, ": cannot close the file");
  (void)complete;
}

}  // namespace comicgan::video
