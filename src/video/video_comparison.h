// How faithful a stylized video is to its input in time, exactly (frame count, every frame's
// own timestamp from the demuxer, the span of the stream), and how much it flickers (the warping
// error of eval/warping_error.h, the one `comicgan eval video` reports; IN's own beside it as
// the floor that flow errors and compression leave). `comicgan bench --video` and the video
// tests use it; `comicgan eval video` (src/eval/video_metrics.h) is the user-facing report, read
// through OpenCV.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "eval/warping_error.h"
#include "video/frame_stream.h"

namespace comicgan::video {

struct VideoComparison {
  int64_t input_frames = 0, output_frames = 0;
  double input_span_s = 0, output_span_s = 0;  // first timestamp to last timestamp + duration
  // Timestamps are compared from each stream's first frame: a container that cannot start below
  // zero (Matroska, WebM) shifts every stream, audio with its encoder delay included, alike.
  double start_offset_s = 0;       // first output frame's time minus the first input frame's
  double max_timestamp_gap_s = 0;  // largest |(t_in - first_in) - (t_out - first_out)|
  double tolerance_s = 0;          // half a tick of the coarser time base (container precision)
  eval::WarpingErrors warping;     // 0..1: `output` of OUT, `input` of IN

  bool frame_count_equal() const { return input_frames == output_frames; }
  bool timestamps_equal() const { return max_timestamp_gap_s <= tolerance_s; }
  bool span_equal() const { return std::abs(input_span_s - output_span_s) <= 2 * tolerance_s; }
};

// Folders of frames are read at `folder_fps`. Throws comicgan::Error if either cannot be read.
VideoComparison compare_videos(const std::string& input, const std::string& output,
                               Rational folder_fps = {25, 1});

// Several lines, for people.
std::string format_comparison(const VideoComparison& comparison);

}  // namespace comicgan::video
