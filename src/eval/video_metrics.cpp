#include "eval/video_metrics.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "comicgan/error.h"
#include "eval/warping_error.h"

namespace comicgan::eval {
namespace {

class VideoReader {
 public:
  explicit VideoReader(const std::string& path) : path_(path) {
    std::error_code ec;
    check(std::filesystem::is_regular_file(path, ec), path, ": no such video file");
    capture_.open(path, cv::CAP_FFMPEG);
    check(capture_.isOpened(), path, ": cannot open it as a video (FFmpeg could not read it)");
    fps_ = capture_.get(cv::CAP_PROP_FPS);
  }

  // The next frame (BGR) and its presentation time in seconds; false at the end.
  bool next(cv::Mat& frame, double& seconds) {
    if (!capture_.read(frame) || frame.empty()) return false;
    seconds = capture_.get(cv::CAP_PROP_POS_MSEC) / 1000.0;
    return true;
  }
  double fps() const { return fps_; }

 private:
  std::string path_;
  cv::VideoCapture capture_;
  double fps_ = 0;
};

double duration(double last_timestamp, double fps, int64_t frames) {
  if (frames == 0) return 0;
  return last_timestamp + (fps > 0 ? 1.0 / fps : 0.0);
}

}  // namespace

VideoReport video_report(const std::string& input_video, const std::string& output_video,
                         const VideoReportOptions& options) {
  check(options.max_side >= 16, "video report: max_side must be >= 16, found ", options.max_side);
  VideoReader input(input_video), output(output_video);
  WarpingErrorMeter flicker(options.max_side);
  VideoReport r;
  r.fps_in = input.fps();
  r.fps_out = output.fps();
  const double half_frame = r.fps_in > 0 ? 0.5 / r.fps_in : 0.0;
  cv::Mat in_frame, out_frame;
  double t_in = 0, t_out = 0, last_in = 0, last_out = 0;
  bool timing_ok = true;
  for (;;) {
    bool has_in = input.next(in_frame, t_in), has_out = output.next(out_frame, t_out);
    if (has_in) ++r.frames_in, last_in = t_in;
    if (has_out) ++r.frames_out, last_out = t_out;
    if (!has_in || !has_out) {
      if (has_in || has_out) timing_ok = false;
      if (!has_in && !has_out) break;
      continue;  // count the longer one's remaining frames
    }
    double difference = std::abs(t_in - t_out);
    r.max_timestamp_difference_s = std::max(r.max_timestamp_difference_s, difference);
    if (difference > half_frame + 1e-6) timing_ok = false;

    flicker.add_bgr(in_frame, out_frame);
  }
  check(r.frames_in > 0, input_video, ": the video has no frames");
  check(r.frames_out > 0, output_video, ": the video has no frames");
  WarpingErrors errors = flicker.result();
  r.warping_error = errors.output;
  r.input_warping_error = errors.input;
  r.duration_in_s = duration(last_in, r.fps_in, r.frames_in);
  r.duration_out_s = duration(last_out, r.fps_out, r.frames_out);
  r.timing_equal = timing_ok && r.frames_in == r.frames_out;
  r.analysis_width = flicker.analysis_size().width;
  r.analysis_height = flicker.analysis_size().height;
  return r;
}

nlohmann::json video_report_json(const VideoReport& r) {
  return {{"warping_error", r.warping_error},
          {"input_warping_error", r.input_warping_error},
          {"frames_in", r.frames_in},
          {"frames_out", r.frames_out},
          {"fps_in", r.fps_in},
          {"fps_out", r.fps_out},
          {"duration_in_s", r.duration_in_s},
          {"duration_out_s", r.duration_out_s},
          {"timing_equal", r.timing_equal},
          {"max_timestamp_difference_s", r.max_timestamp_difference_s},
          {"analysis_size", {r.analysis_width, r.analysis_height}},
          {"method", "warping error (Lai et al. 2018) with Farneback flow of the input"}};
}

std::string video_report_text(const VideoReport& r) {
  char line[160];
  std::ostringstream out;
  std::snprintf(
      line, sizeof line,
      "flicker (warping error, 0..1, lower is steadier): %.4f  (the input itself: %.4f)\n",
      r.warping_error, r.input_warping_error);
  out << line;
  std::snprintf(line, sizeof line, "frames: %lld in, %lld out   fps: %.3f in, %.3f out\n",
                static_cast<long long>(r.frames_in), static_cast<long long>(r.frames_out), r.fps_in,
                r.fps_out);
  out << line;
  std::snprintf(line, sizeof line,
                "duration: %.3f s in, %.3f s out   largest timestamp difference: %.4f s\n",
                r.duration_in_s, r.duration_out_s, r.max_timestamp_difference_s);
  out << line;
  out << "timing: "
      << (r.timing_equal ? "equal (same frames, timestamps within half a frame)"
                         : "DIFFERENT (frame count or timestamps disagree)")
      << "\n";
  return out.str();
}

}  // namespace comicgan::eval
