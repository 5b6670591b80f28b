// What flows through the video pipeline: upright RGB frames with their original timestamps, the
// facts about the stream they came from, and the two ends (a source of frames, a sink for them)
// that a video file or a folder of pictures can be.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::video {

// A rational number, FFmpeg's AVRational without its header.
struct Rational {
  int num = 0;
  int den = 1;
  double value() const { return den ? double(num) / den : 0.0; }
};

struct VideoFrame {
  Image rgb;             // upright (the stream's rotation already applied), RGB
  int64_t pts = 0;       // in VideoInfo::time_base, exactly as the source had it
  int64_t duration = 0;  // in VideoInfo::time_base; 0 when the source does not say
  int64_t index = 0;     // 0, 1, 2, ... in presentation order
};

struct VideoInfo {
  int width = 0, height = 0;  // upright size, i.e. of VideoFrame::rgb
  Rational time_base{1, 25};
  Rational frame_rate{25, 1};  // average rate; timestamps, not this, decide when frames show
  int rotation = 0;            // clockwise degrees the stored picture is turned to be upright
  int64_t frame_count = 0;     // the container's count or an estimate; 0 when unknown
  double duration_s = 0;       // of the video stream; 0 when unknown
  std::string codec;           // "h264", "png" for a frame folder, ...
  // Colour tags as FFmpeg numbers them (AVColorSpace, AVColorPrimaries, ...; 2 = unspecified),
  // carried to the encoder so the output is converted and labelled like the input.
  int color_matrix = 2, color_primaries = 2, color_transfer = 2;
  bool full_range = false;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual const VideoInfo& info() const = 0;
  // The next frame in presentation order; false at the end.
  virtual bool next(VideoFrame& frame) = 0;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write(const VideoFrame& frame) = 0;
  // Flushes and closes; with `complete` false the input was cut short (SIGINT) and what was
  // written so far is kept as a playable result.
  virtual void finish(bool complete) = 0;
};

// "30000/1001", "29.97" (read as 30000/1001), "25" -> a positive rate; throws on anything else.
Rational parse_rate(const std::string& text);

// ".mp4" ".mkv" ".webm" ".mov" ".gif" (by extension, any case).
bool is_video_path(const std::string& path);
std::vector<std::string> video_extensions();

}  // namespace comicgan::video
