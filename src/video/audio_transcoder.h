// Re-encoding one audio stream, for the one case the video writer cannot copy it: the output
// container cannot hold the input's audio codec (AAC into WebM, say). Decodes the input packets,
// resamples to what the container's default audio encoder takes, and encodes with timestamps
// counted in samples from the stream's first packet, so the audio stays where it was.
#pragma once

#include <functional>
#include <string>

#include "video/av_handles.h"

namespace comicgan::video {

class AudioTranscoder {
 public:
  // Adds the output stream to `out` (before its header is written).
  AudioTranscoder(const AVStream* in, AVFormatContext* out, AVCodecID encoder_id,
                  const std::string& label);
  ~AudioTranscoder();
  AudioTranscoder(const AudioTranscoder&) = delete;
  AudioTranscoder& operator=(const AudioTranscoder&) = delete;

  const AVStream* output_stream() const { return out_stream_; }
  const char* encoder_name() const;

  // One input packet (nullptr: the end); encoded packets go to `emit` with the output stream's
  // index and time base.
  void push(const AVPacket* packet, const std::function<void(AVPacket*)>& emit);

 private:
  // An empty frame in the encoder's sample format, rate and layout, with room for `samples`.
  FramePtr encoder_frame(int samples) const;
  void encode_from_fifo(bool flush, const std::function<void(AVPacket*)>& emit);
  void drain_encoder(const AVFrame* frame, const std::function<void(AVPacket*)>& emit);

  std::string label_;
  AVRational in_time_base_;
  CodecContext decoder_, encoder_;
  AVStream* out_stream_ = nullptr;
  Resampler swr_;
  AudioFifo fifo_;
  FramePtr decoded_;
  int64_t next_pts_ = AV_NOPTS_VALUE;  // in 1/sample_rate
};

}  // namespace comicgan::video
