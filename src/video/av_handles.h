// Owning handles for FFmpeg's C objects (so every early return and exception frees them) and the
// one place FFmpeg error codes become comicgan::Error messages.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
}

struct SwsContext;
struct SwrContext;
struct AVAudioFifo;

#include <memory>
#include <string>

#include "comicgan/error.h"

namespace comicgan::video {

struct InputContextCloser {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct OutputContextCloser {
  void operator()(AVFormatContext* c) const {
    if (c && c->pb && !(c->oformat->flags & AVFMT_NOFILE)) avio_closep(&c->pb);
    avformat_free_context(c);
  }
};
struct CodecContextFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
// (Defined in av_handles.cpp, so users need not include libswscale / libswresample.)
struct ScalerFree {
  void operator()(SwsContext* c) const;
};
struct ResamplerFree {
  void operator()(SwrContext* c) const;
};
struct AudioFifoFree {
  void operator()(AVAudioFifo* f) const;
};

using InputContext = std::unique_ptr<AVFormatContext, InputContextCloser>;
using OutputContext = std::unique_ptr<AVFormatContext, OutputContextCloser>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using Scaler = std::unique_ptr<SwsContext, ScalerFree>;
using Resampler = std::unique_ptr<SwrContext, ResamplerFree>;
using AudioFifo = std::unique_ptr<AVAudioFifo, AudioFifoFree>;

FramePtr make_frame();
PacketPtr make_packet();
// A new packet referencing the same data as `packet` (no copy of the payload).
PacketPtr clone_packet(const AVPacket* packet);

// FFmpeg's text for an error code ("Invalid data found when processing input").
std::string av_error_text(int code);

// Throws comicgan::Error("<parts>: <FFmpeg's text>") when ret < 0; returns ret otherwise.
template <typename... Parts>
int check_av(int ret, const Parts&... parts) {
  if (ret < 0) fail(parts..., ": ", av_error_text(ret));
  return ret;
}

// Silences FFmpeg's own logging to stderr (comicgan reports errors itself, in one line) unless
// show_ffmpeg_log(true) was called; idempotent. Called by every reader and writer on opening.
void quiet_ffmpeg_log();
// Whether FFmpeg may log to stderr (its level then AV_LOG_INFO, FFmpeg's own default) for
// debugging a file; off by default. FFmpeg's level is one per process: the caller that owns the
// process decides (the CLI: COMICGAN_FFMPEG_LOG set).
void show_ffmpeg_log(bool show);

}  // namespace comicgan::video
