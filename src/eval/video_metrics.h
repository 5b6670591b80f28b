// `comicgan eval video IN OUT`: how well a stylized video keeps its source's motion and timing.
// The videos are read with OpenCV's FFmpeg backend; flicker is the warping error of
// eval/warping_error.h (the input's Farneback flow), so the measure needs no network and works
// on any pair of videos of one scene.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace comicgan::eval {

struct VideoReport {
  // Flicker: the warping error (eval/warping_error.h), 0..1, lower is steadier; the same on the
  // input itself (`input_warping_error`) is the floor the flow's own errors set.
  double warping_error = 0;
  double input_warping_error = 0;
  int64_t frames_in = 0, frames_out = 0;
  double fps_in = 0, fps_out = 0;
  double duration_in_s = 0, duration_out_s = 0;  // last frame's timestamp + one frame
  // Same frame count and every frame's timestamp within half a frame of its source frame's.
  bool timing_equal = false;
  double max_timestamp_difference_s = 0;        // over the frames both have
  int analysis_width = 0, analysis_height = 0;  // frames are compared at this size
};

struct VideoReportOptions {
  int max_side = 320;  // frames are shrunk to this longer side before the flow (speed)
};

// (The one measure of flicker, also used by `comicgan bench --video`: eval/warping_error.h.)

VideoReport video_report(const std::string& input_video, const std::string& output_video,
                         const VideoReportOptions& options = {});

nlohmann::json video_report_json(const VideoReport& report);
std::string video_report_text(const VideoReport& report);

}  // namespace comicgan::eval
