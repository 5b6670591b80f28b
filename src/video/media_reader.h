// Reading a video file with libavformat/libavcodec: the first video stream decoded into upright
// RGB frames carrying their own timestamps, and the packets of every other stream (audio,
// subtitles) handed over untouched so a writer can copy them. Damaged input is refused rather
// than concealed: a decoder error, a corrupt frame or a file that ends before the frames its
// index lists all throw comicgan::Error naming the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "video/av_handles.h"
#include "video/frame_stream.h"

namespace comicgan::video {

struct VideoLimits {
  int max_side = 16384;
  int64_t max_pixels = 64'000'000;  // per frame
};

class MediaReader : public FrameSource {
 public:
  explicit MediaReader(const std::string& path, const VideoLimits& limits = {});
  ~MediaReader() override;

  const VideoInfo& info() const override { return info_; }
  bool next(VideoFrame& frame) override;

  // The opened file, for a writer that sets up copies of its other streams.
  const AVFormatContext* format() const { return format_.get(); }
  int video_stream() const { return video_index_; }

  // Packets of the other streams met while reading frames, in file order (stream_index and
  // timestamps as in the file). The caller takes them.
  std::vector<PacketPtr> take_other_packets();

 private:
  bool receive(VideoFrame& frame);
  void convert(const AVFrame* decoded, VideoFrame& frame);

  std::string path_;
  InputContext format_;
  CodecContext decoder_;
  int video_index_ = -1;
  VideoInfo info_;
  int64_t listed_frames_ = 0;  // what the container's index promises; 0 when it does not say
  int64_t next_index_ = 0;
  int64_t next_pts_ = 0;
  bool draining_ = false, done_ = false;
  PacketPtr packet_;
  FramePtr decoded_;
  std::vector<PacketPtr> other_packets_;
  SwsContext* sws_ = nullptr;
};

}  // namespace comicgan::video
