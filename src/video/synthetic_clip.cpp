#include "video/synthetic_clip.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>

#include "video/av_handles.h"

namespace comicgan::video {
namespace {

// A smooth texture of a few sinusoids (periods of 8 px and more, so bilinear warping of the
// input itself leaves little error) giving optical flow something to lock on to.
uint8_t texture(double x, double y, int channel, int scene) {
  double s = scene * 1.7 + channel * 0.9;
  double v = 0.5 + 0.22 * std::sin(x * 0.11 + s) * std::cos(y * 0.07 - s) +
             0.15 * std::sin((x + 2 * y) * 0.031 + 2 * s) + 0.1 * std::sin(x * 0.41 + y * 0.23 + s);
  return uint8_t(std::clamp(v, 0.0, 1.0) * 255.0 + 0.5);
}

}  // namespace

int64_t synthetic_pts(const SyntheticClip& clip, int index) {
  if (!clip.pts.empty()) return clip.pts.at(size_t(index));
  // index / frame_rate seconds in time_base units, exactly when the rates divide.
  return int64_t(index) * clip.frame_rate.den * clip.time_base.den /
         (int64_t(clip.frame_rate.num) * clip.time_base.num);
}

Image synthetic_frame(const SyntheticClip& clip, int index) {
  Image img(clip.width, clip.height, 3);
  int scene = clip.scene_cut_at >= 0 && index >= clip.scene_cut_at ? 1 : 0;
  double pan = index * clip.speed;
  double ox = clip.width * 0.15 + index * clip.speed * 2.5,
         oy = clip.height * 0.3 + index * 0.6 * clip.speed;
  double side = std::min(clip.width, clip.height) * 0.35;
  for (int y = 0; y < clip.height; ++y)
    for (int x = 0; x < clip.width; ++x) {
      bool object = x >= ox && x < ox + side && y >= oy && y < oy + side;
      for (int c = 0; c < 3; ++c)
        img.row(y)[x * 3 + c] = object ? texture((x - ox) * 1.9, (y - oy) * 1.9, 2 - c, scene + 5)
                                       : texture(x + pan, y + 0.4 * pan, c, scene);
    }
  return img;
}

void write_synthetic_clip(const std::string& path, const SyntheticClip& clip) {
  quiet_ffmpeg_log();
  AVFormatContext* raw = nullptr;
  check_av(avformat_alloc_output_context2(&raw, nullptr, nullptr, path.c_str()), path,
           ": container");
  OutputContext out(raw);

  const AVCodec* vcodec = avcodec_find_encoder_by_name(clip.video_codec.c_str());
  check(vcodec != nullptr, "no encoder ", clip.video_codec);
  CodecContext venc(avcodec_alloc_context3(vcodec));
  venc->width = clip.width;
  venc->height = clip.height;
  venc->pix_fmt = AV_PIX_FMT_YUV420P;
  venc->time_base = AVRational{clip.time_base.num, clip.time_base.den};
  venc->framerate = AVRational{clip.frame_rate.num, clip.frame_rate.den};
  venc->flags |= AV_CODEC_FLAG_QSCALE;
  venc->global_quality = FF_QP2LAMBDA * 2;
  venc->gop_size = 12;
  if (out->oformat->flags & AVFMT_GLOBALHEADER) venc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  check_av(avcodec_open2(venc.get(), vcodec, nullptr), path, ": video encoder");
  AVStream* vst = avformat_new_stream(out.get(), nullptr);
  avcodec_parameters_from_context(vst->codecpar, venc.get());
  vst->time_base = venc->time_base;
  vst->avg_frame_rate = venc->framerate;
  if (clip.rotation) {
    auto* matrix = reinterpret_cast<int32_t*>(
        av_stream_new_side_data(vst, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(int32_t)));
    check(matrix != nullptr, "out of memory");
    av_display_rotation_set(matrix, double(clip.rotation));  // clockwise, as the reader reads it
  }

  CodecContext aenc;
  AVStream* ast = nullptr;
  int rate = 44100;
  if (clip.audio) {
    // AAC where the container takes it, else its own default (Opus or Vorbis for WebM).
    AVCodecID id = avformat_query_codec(out->oformat, AV_CODEC_ID_AAC, FF_COMPLIANCE_NORMAL) == 1
                       ? AV_CODEC_ID_AAC
                       : out->oformat->audio_codec;
    const AVCodec* acodec = avcodec_find_encoder(id);
    check(acodec != nullptr, "no ", avcodec_get_name(id), " encoder");
    aenc.reset(avcodec_alloc_context3(acodec));
    if (const int* r = acodec->supported_samplerates) {  // 44.1 kHz where allowed (Opus: 48)
      rate = r[0];
      for (; *r; ++r)
        if (*r == 44100) rate = 44100;
    }
    aenc->sample_rate = rate;
    // Mono, so planar and packed float are laid out alike.
    aenc->sample_fmt = AV_SAMPLE_FMT_FLTP;
    for (const AVSampleFormat* f = acodec->sample_fmts; f && *f != AV_SAMPLE_FMT_NONE; ++f)
      if (*f == AV_SAMPLE_FMT_FLT || *f == AV_SAMPLE_FMT_FLTP) aenc->sample_fmt = *f;
    av_channel_layout_default(&aenc->ch_layout, 1);
    aenc->bit_rate = 64000;
    aenc->time_base = AVRational{1, rate};
    if (out->oformat->flags & AVFMT_GLOBALHEADER) aenc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    check_av(avcodec_open2(aenc.get(), acodec, nullptr), path, ": audio encoder");
    ast = avformat_new_stream(out.get(), nullptr);
    avcodec_parameters_from_context(ast->codecpar, aenc.get());
    ast->time_base = aenc->time_base;
  }
  AVStream* sst = nullptr;
  if (clip.subtitles) {
    sst = avformat_new_stream(out.get(), nullptr);
    check(sst != nullptr, "out of memory");
    bool mov = std::string(out->oformat->name).find("mp4") != std::string::npos;
    sst->codecpar->codec_type = AVMEDIA_TYPE_SUBTITLE;
    sst->codecpar->codec_id = mov ? AV_CODEC_ID_MOV_TEXT : AV_CODEC_ID_SUBRIP;
    sst->time_base = AVRational{1, 1000};
  }
  check_av(avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE), path, ": create");
  check_av(avformat_write_header(out.get(), nullptr), path, ": header");

  PacketPtr packet = make_packet();
  auto drain = [&](AVCodecContext* enc, AVStream* st, const AVFrame* frame) {
    check_av(avcodec_send_frame(enc, frame), path, ": encode");
    while (avcodec_receive_packet(enc, packet.get()) == 0) {
      av_packet_rescale_ts(packet.get(), enc->time_base, st->time_base);
      packet->stream_index = st->index;
      check_av(av_interleaved_write_frame(out.get(), packet.get()), path, ": write");
    }
  };

  Scaler sws(sws_getContext(clip.width, clip.height, AV_PIX_FMT_RGB24, clip.width, clip.height,
                            AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  check(sws != nullptr, path, ": cannot convert RGB to YUV 4:2:0");
  FramePtr vframe = make_frame();
  int64_t last_pts = 0, audio_samples = 0;
  const AVRational tb{clip.time_base.num, clip.time_base.den};
  for (int i = 0; i < clip.frames; ++i) {
    Image rgb = synthetic_frame(clip, i);
    av_frame_unref(vframe.get());
    vframe->format = AV_PIX_FMT_YUV420P;
    vframe->width = clip.width;
    vframe->height = clip.height;
    check_av(av_frame_get_buffer(vframe.get(), 0), "frame");
    const uint8_t* src[4] = {rgb.pixels.data(), nullptr, nullptr, nullptr};
    int stride[4] = {clip.width * 3, 0, 0, 0};
    sws_scale(sws.get(), src, stride, 0, clip.height, vframe->data, vframe->linesize);
    vframe->pts = last_pts = synthetic_pts(clip, i);
    drain(venc.get(), vst, vframe.get());
    if (sst && i % 8 == 0) {  // a caption shown for 8 frames, as the muxer's raw packet
      std::string text = "caption " + std::to_string(i / 8);
      if (sst->codecpar->codec_id == AV_CODEC_ID_MOV_TEXT)  // 16-bit big-endian length first
        text = std::string{char(text.size() >> 8), char(text.size() & 0xff)} + text;
      PacketPtr sub = make_packet();
      check_av(av_new_packet(sub.get(), int(text.size())), "subtitle packet");
      std::copy(text.begin(), text.end(), sub->data);
      sub->stream_index = sst->index;
      sub->pts = sub->dts = av_rescale_q(last_pts, tb, sst->time_base);
      sub->duration =
          av_rescale_q(8, AVRational{clip.frame_rate.den, clip.frame_rate.num}, sst->time_base);
      sub->flags |= AV_PKT_FLAG_KEY;
      check_av(av_interleaved_write_frame(out.get(), sub.get()), path, ": write");
    }
    // Audio up to this frame's time, in whole encoder frames.
    while (aenc && av_rescale_q(audio_samples, aenc->time_base, tb) <= last_pts) {
      FramePtr aframe = make_frame();
      aframe->format = aenc->sample_fmt;
      aframe->sample_rate = aenc->sample_rate;
      av_channel_layout_copy(&aframe->ch_layout, &aenc->ch_layout);
      aframe->nb_samples = aenc->frame_size;
      check_av(av_frame_get_buffer(aframe.get(), 0), "audio frame");
      auto* samples = reinterpret_cast<float*>(aframe->data[0]);
      for (int s = 0; s < aframe->nb_samples; ++s)
        samples[s] = 0.3f * float(std::sin(2 * M_PI * 440.0 * double(audio_samples + s) / rate));
      aframe->pts = audio_samples;
      audio_samples += aframe->nb_samples;
      drain(aenc.get(), ast, aframe.get());
    }
  }
  drain(venc.get(), vst, nullptr);
  if (aenc) drain(aenc.get(), ast, nullptr);
  check_av(av_write_trailer(out.get()), path, ": trailer");
}

}  // namespace comicgan::video
