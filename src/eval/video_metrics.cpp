#include "eval/video_metrics.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/videoio.hpp>
#include <sstream>

#include "comicgan/error.h"

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

// Where each pixel of the current frame came from in the previous one, and whether forward and
// backward flow agree there (Sundaram et al.'s consistency test, as Lai et al. use it).
struct PairFlow {
  cv::Mat map_x, map_y;  // CV_32F: previous-frame coordinates of each current pixel
  cv::Mat valid;         // CV_8U: 1 where the flow is trusted
};

cv::Mat farneback(const cv::Mat& from, const cv::Mat& to) {
  cv::Mat flow;
  cv::calcOpticalFlowFarneback(from, to, flow, 0.5, 3, 15, 3, 5, 1.2, 0);
  return flow;
}

PairFlow consistent_flow(const cv::Mat& backward, const cv::Mat& forward) {
  check(backward.type() == CV_32FC2 && forward.type() == CV_32FC2 && backward.size() == forward.size(),
        "warping error: flows must be two-channel float fields of one size");
  const int w = backward.cols, h = backward.rows;
  PairFlow f;
  f.map_x.create(h, w, CV_32F);
  f.map_y.create(h, w, CV_32F);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto b = backward.at<cv::Point2f>(y, x);
      f.map_x.at<float>(y, x) = float(x) + b.x;
      f.map_y.at<float>(y, x) = float(y) + b.y;
    }
  cv::Mat forward_there;
  cv::remap(forward, forward_there, f.map_x, f.map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  f.valid.create(h, w, CV_8U);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto b = backward.at<cv::Point2f>(y, x);
      auto fw = forward_there.at<cv::Point2f>(y, x);
      float sx = f.map_x.at<float>(y, x), sy = f.map_y.at<float>(y, x);
      bool inside = sx >= 0 && sy >= 0 && sx <= float(w - 1) && sy <= float(h - 1);
      float round_trip = (b + fw).dot(b + fw);
      bool consistent = round_trip < 0.01f * (b.dot(b) + fw.dot(fw)) + 0.5f;
      f.valid.at<uint8_t>(y, x) = inside && consistent;
    }
  return f;
}

PairFlow flow_between(const cv::Mat& previous_gray, const cv::Mat& current_gray) {
  return consistent_flow(farneback(current_gray, previous_gray),   // current -> previous
                         farneback(previous_gray, current_gray));  // previous -> current
}

// Mean over trusted pixels and channels of |current - previous warped to current|, 0..1
// (in float, so the warp's interpolation is not rounded to 8 bits).
double warping_error(const PairFlow& f, const cv::Mat& previous, const cv::Mat& current) {
  check(previous.type() == CV_8UC3 && current.type() == CV_8UC3 && previous.size() == current.size() &&
            current.size() == f.valid.size(),
        "warping error: frames must be 8-bit colour pictures of the flow's size");
  cv::Mat previous_f, current_f, warped;
  previous.convertTo(previous_f, CV_32FC3);
  current.convertTo(current_f, CV_32FC3);
  cv::remap(previous_f, warped, f.map_x, f.map_y, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  double sum = 0;
  int64_t trusted = 0;
  for (int y = 0; y < current.rows; ++y)
    for (int x = 0; x < current.cols; ++x) {
      if (!f.valid.at<uint8_t>(y, x)) continue;
      const auto &a = current_f.at<cv::Vec3f>(y, x), &b = warped.at<cv::Vec3f>(y, x);
      for (int c = 0; c < 3; ++c) sum += std::abs(double(a[c]) - double(b[c]));
      ++trusted;
    }
  return trusted == 0 ? 0.0 : sum / (3 * 255.0 * double(trusted));
}

cv::Size analysis_size(const cv::Mat& frame, int max_side) {
  double scale = std::min(1.0, double(max_side) / std::max(frame.cols, frame.rows));
  return {std::max(1, int(std::lround(frame.cols * scale))), std::max(1, int(std::lround(frame.rows * scale)))};
}

double duration(double last_timestamp, double fps, int64_t frames) {
  if (frames == 0) return 0;
  return last_timestamp + (fps > 0 ? 1.0 / fps : 0.0);
}

}  // namespace

WarpingError pair_warping_error(const cv::Mat& previous, const cv::Mat& current,
                                const cv::Mat& backward, const cv::Mat& forward) {
  PairFlow f = consistent_flow(backward, forward);
  return {warping_error(f, previous, current), int64_t(cv::countNonZero(f.valid))};
}

VideoReport video_report(const std::string& input_video, const std::string& output_video,
                         const VideoReportOptions& options) {
  check(options.max_side >= 16, "video report: max_side must be >= 16");
  VideoReader input(input_video), output(output_video);
  VideoReport r;
  r.fps_in = input.fps();
  r.fps_out = output.fps();
  const double half_frame = r.fps_in > 0 ? 0.5 / r.fps_in : 0.0;
  cv::Mat in_frame, out_frame, in_previous, out_previous, in_gray_previous;
  double t_in = 0, t_out = 0, last_in = 0, last_out = 0;
  double error_sum = 0, input_error_sum = 0;
  int64_t pairs = 0;
  cv::Size size;
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

    if (size.empty()) size = analysis_size(in_frame, options.max_side);
    cv::Mat in_small, out_small, in_gray;
    cv::resize(in_frame, in_small, size, 0, 0, cv::INTER_AREA);
    cv::resize(out_frame, out_small, size, 0, 0, cv::INTER_AREA);
    cv::cvtColor(in_small, in_gray, cv::COLOR_BGR2GRAY);
    if (!in_gray_previous.empty()) {
      PairFlow f = flow_between(in_gray_previous, in_gray);
      error_sum += warping_error(f, out_previous, out_small);
      input_error_sum += warping_error(f, in_previous, in_small);
      ++pairs;
    }
    in_gray_previous = in_gray;
    in_previous = in_small;
    out_previous = out_small;
  }
  check(r.frames_in > 0, input_video, ": the video has no frames");
  check(r.frames_out > 0, output_video, ": the video has no frames");
  if (pairs > 0) {
    r.warping_error = error_sum / double(pairs);
    r.input_warping_error = input_error_sum / double(pairs);
  }
  r.duration_in_s = duration(last_in, r.fps_in, r.frames_in);
  r.duration_out_s = duration(last_out, r.fps_out, r.frames_out);
  r.timing_equal = timing_ok && r.frames_in == r.frames_out;
  r.analysis_width = size.width;
  r.analysis_height = size.height;
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
  std::snprintf(line, sizeof line, "flicker (warping error, 0..1, lower is steadier): %.4f  (the input itself: %.4f)\n",
                r.warping_error, r.input_warping_error);
  out << line;
  std::snprintf(line, sizeof line, "frames: %lld in, %lld out   fps: %.3f in, %.3f out\n",
                static_cast<long long>(r.frames_in), static_cast<long long>(r.frames_out), r.fps_in, r.fps_out);
  out << line;
  std::snprintf(line, sizeof line, "duration: %.3f s in, %.3f s out   largest timestamp difference: %.4f s\n",
                r.duration_in_s, r.duration_out_s, r.max_timestamp_difference_s);
  out << line;
  out << "timing: " << (r.timing_equal ? "equal (same frames, timestamps within half a frame)"
                                        : "DIFFERENT (frame count or timestamps disagree)")
      << "\n";
  return out.str();
}

}  // namespace comicgan::eval
