// Reading a video file with libavformat/libavcodec: the first video stream decoded into upright
// RGB frames carrying their own timestamps, and the packets of every other stream (audio,
// subtitles) handed over untouched so a writer can copy them. Damaged input is refused rather
// than concealed: a decoder error, a corrupt frame or a file that ends before the frames its
// index lists all throw comicgan::Error naming the file. The file is untrusted input: frame sizes
// are checked against VideoLimits before any decoder (the stream probe's included) allocates a
// picture, and every frame must keep the size the stream declared.
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
  // The same reader over a whole file already in memory (the fuzz target, tests): FFmpeg reads
  // it through a custom AVIOContext, and demuxers that would open further files or URLs (HLS
  // playlists, concat lists, MOV references) are refused. The bytes are not copied: they must
  // outlive the reader. `label` names the input in error messages.
  MediaReader(const uint8_t* data, size_t size, const std::string& label,
              const VideoLimits& limits = {});
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
  struct MemoryInput;
  void open(const VideoLimits& limits);
  bool receive(VideoFrame& frame);
  void convert(const AVFrame* decoded, VideoFrame& frame);

  std::string path_;
  std::unique_ptr<MemoryInput> memory_;  // before format_: freed after FFmpeg closes the input
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
  Scaler sws_;
};

}  // namespace comicgan::video
