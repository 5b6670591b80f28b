// A folder of pictures as a video: frames in name order in, or frame_000001.png ... out.
// A folder has no timestamps of its own, so frames read from one are spaced 1/fps apart.
#pragma once

#include <string>
#include <vector>

#include "io/image_io.h"
#include "video/frame_stream.h"

namespace comicgan::video {

class FrameFolderSource : public FrameSource {
 public:
  // Every picture io::read_image accepts, in name order; all must have one size.
  FrameFolderSource(const std::string& folder, Rational fps, const io::ImageLimits& limits = {});
  const VideoInfo& info() const override { return info_; }
  bool next(VideoFrame& frame) override;

 private:
  std::vector<std::string> files_;
  io::ImageLimits limits_;
  VideoInfo info_;
  size_t next_ = 0;
};

// Writes into a hidden temporary folder beside `folder` and renames it into place in finish(),
// so the target is either absent or holds whole frames. `folder` must not exist or be empty.
class FrameFolderSink : public FrameSink {
 public:
  explicit FrameFolderSink(const std::string& folder);
  ~FrameFolderSink() override;
  void write(const VideoFrame& frame) override;
  void finish(bool complete) override;

 private:
  std::string target_, temp_;
  int64_t written_ = 0;
  bool finished_ = false;
};

}  // namespace comicgan::video
