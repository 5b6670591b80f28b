// `comicgan eval video IN OUT`: how well a stylized video keeps its source's motion and timing.
// The videos are read with OpenCV's FFmpeg backend; motion is the input's optical flow
// (Farneback), so the measure needs no network and works on any pair of videos of one scene.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>

namespace comicgan::eval {

struct VideoReport {
  // Flicker: mean absolute difference (0..1 pixel scale) between each output frame and the
  // previous output frame warped to it by the optical flow of the input frames, over pixels
  // where forward and backward flow agree (not occluded), averaged over frame pairs (Lai et al.
  // 2018, "Learning Blind Video Temporal Consistency"). Lower is steadier. The same measure on
  // the input itself (`input_warping_error`) is the floor the flow's own errors set.
  double warping_error = 0;
  double input_warping_error = 0;
  int64_t frames_in = 0, frames_out = 0;
  double fps_in = 0, fps_out = 0;
  double duration_in_s = 0, duration_out_s = 0;  // last frame's timestamp + one frame
  // Same frame count and every frame's timestamp within half a frame of its source frame's.
  bool timing_equal = false;
  double max_timestamp_difference_s = 0;  // over the frames both have
  int analysis_width = 0, analysis_height = 0;  // frames are compared at this size
};

struct VideoReportOptions {
  int max_side = 320;  // frames are shrunk to this longer side before the flow (speed)
};

VideoReport video_report(const std::string& input_video, const std::string& output_video,
                         const VideoReportOptions& options = {});

// The warping error of one pair of frames (8-bit BGR, one size) given the input's flow both
// ways (CV_32FC2; `backward` maps each current pixel to the previous frame, `forward` the
// other way): what video_report averages. `trusted` counts the pixels it was taken over.
struct WarpingError {
  double error = 0;
  int64_t trusted = 0;
};
WarpingError pair_warping_error(const cv::Mat& previous, const cv::Mat& current,
                                const cv::Mat& backward, const cv::Mat& forward);

nlohmann::json video_report_json(const VideoReport& report);
std::string video_report_text(const VideoReport& report);

}  // namespace comicgan::eval
