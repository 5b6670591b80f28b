// Writing a video file with libavformat/libavcodec: stylized frames encoded with their original
// timestamps (the encoder works in the input stream's own time base, so 30000/1001 stays
// 30000/1001 and variable frame rate stays variable), and the input's audio and subtitle streams
// copied packet for packet. Only when the container cannot hold a stream's codec is audio
// re-encoded (to the container's default codec) or a subtitle stream dropped, and `note` says so.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "video/audio_transcoder.h"
#include "video/av_handles.h"
#include "video/frame_stream.h"

namespace comicgan::video {

struct EncodeOptions {
  std::string
      codec;     // "" = the container's usual one: libx264 (mp4/mkv/mov), libvpx-vp9 (webm), gif
  int crf = -1;  // -1 = the codec's comicgan default (x264: 18, vp9: 31, mpeg4: q 3)
};

class MediaWriter : public FrameSink {
 public:
  // `path`: where bytes go (a temporary file); `format_hint`: the file name whose extension
  // picks the container (the real target). `copy_from`: the input file whose audio and
  // subtitle streams are copied (nullptr for none), `video_stream` its video stream.
  MediaWriter(const std::string& path, const std::string& format_hint, const VideoInfo& video,
              const AVFormatContext* copy_from, int video_stream, const EncodeOptions& options,
              const std::function<void(const std::string&)>& note);
  ~MediaWriter() override;

  void write(const VideoFrame& frame) override;
  // A packet of one of copy_from's streams, timestamps as in the input.
  void write_copied(AVPacket* packet);
  void finish(bool complete) override;

  const std::string& codec_name() const { return codec_name_; }

 private:
  void open_video_encoder(const VideoInfo& video, const EncodeOptions& options);
  void add_copied_streams(const AVFormatContext* in, int video_stream);
  void drain_video(const AVFrame* frame);
  void mux(AVPacket* packet);

  std::string path_, label_;
  OutputContext out_;
  CodecContext encoder_;
  AVStream* video_out_ = nullptr;
  std::string codec_name_;
  std::function<void(const std::string&)> note_;
  Scaler sws_;
  FramePtr frame_;
  std::map<int64_t, int64_t> durations_;  // pts -> duration of frames in the encoder
  int64_t last_pts_ = 0, last_end_ = -1;  // the last video packet muxed (stream time base)
  struct CopiedStream {
    AVRational in_time_base{0, 1};
    AVStream* out = nullptr;                      // when copied
    std::unique_ptr<AudioTranscoder> transcoder;  // when re-encoded
  };
  std::map<int, CopiedStream> copied_;  // by input stream index
  bool header_written_ = false, finished_ = false;
};

}  // namespace comicgan::video
