// `comicgan eval video IN OUT`: how well a stylized video keeps its source's motion and timing.
// Declared here so the eval report and the CLI agree on it; implemented with the video
// pipeline (src/video).
#pragma once

#include <cstdint>
#include <string>

namespace comicgan::eval {

struct VideoReport {
  // Flicker: mean absolute difference (0..1 pixel scale) between each output frame and the
  // previous output frame warped to it by the optical flow of the input frames, over pixels
  // the flow keeps consistent (Lai et al. 2018). Lower is steadier.
  double warping_error = 0;
  int64_t frames_in = 0, frames_out = 0;
  double duration_in_s = 0, duration_out_s = 0;
  bool timing_equal = false;  // same frame count and per-frame timestamps within a frame
  double max_timestamp_difference_s = 0;
};

VideoReport video_report(const std::string& input_video, const std::string& output_video);

}  // namespace comicgan::eval
