#include "video/av_handles.h"

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <atomic>

namespace comicgan::video {

void ScalerFree::operator()(SwsContext* c) const { sws_freeContext(c); }
void ResamplerFree::operator()(SwrContext* c) const { swr_free(&c); }
void AudioFifoFree::operator()(AVAudioFifo* f) const { av_audio_fifo_free(f); }

FramePtr make_frame() {
  FramePtr frame(av_frame_alloc());
  check(frame != nullptr, "out of memory allocating a video frame");
  return frame;
}

PacketPtr make_packet() {
  PacketPtr packet(av_packet_alloc());
  check(packet != nullptr, "out of memory allocating a packet");
  return packet;
}

PacketPtr clone_packet(const AVPacket* packet) {
  PacketPtr copy(av_packet_clone(packet));
  check(copy != nullptr, "out of memory copying a packet");
  return copy;
}

std::string av_error_text(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return text;
}

namespace {
std::atomic<bool> ffmpeg_log_shown{false};
}  // namespace

void quiet_ffmpeg_log() {
  if (!ffmpeg_log_shown.load()) av_log_set_level(AV_LOG_QUIET);
}

void show_ffmpeg_log(bool show) {
  ffmpeg_log_shown.store(show);
  av_log_set_level(show ? AV_LOG_INFO : AV_LOG_QUIET);
}

}  // namespace comicgan::video
