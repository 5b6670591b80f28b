#include "eval/warping_error.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::eval {
namespace {

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
  check(backward.type() == CV_32FC2 && forward.type() == CV_32FC2 &&
            backward.size() == forward.size(),
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
  check(previous.type() == CV_8UC3 && current.type() == CV_8UC3 &&
            previous.size() == current.size() && current.size() == f.valid.size(),
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

cv::Size shrunk_size(const cv::Mat& frame, int max_side) {
  double scale = std::min(1.0, double(max_side) / std::max(frame.cols, frame.rows));
  return {std::max(1, int(std::lround(frame.cols * scale))),
          std::max(1, int(std::lround(frame.rows * scale)))};
}

}  // namespace

WarpingError pair_warping_error(const cv::Mat& previous, const cv::Mat& current,
                                const cv::Mat& backward, const cv::Mat& forward) {
  PairFlow f = consistent_flow(backward, forward);
  return {warping_error(f, previous, current), int64_t(cv::countNonZero(f.valid))};
}

WarpingErrorMeter::WarpingErrorMeter(int max_side) : max_side_(max_side) {
  check(max_side >= 16, "warping error: max_side must be >= 16, found ", max_side);
}

void WarpingErrorMeter::add_bgr(const cv::Mat& input, const cv::Mat& output) {
  add_frames(input, output, cv::COLOR_BGR2GRAY);
}

void WarpingErrorMeter::add(const Image& input, const Image& output) {
  check(input.channels == 3 && output.channels == 3, "warping error: frames must be RGB, found ",
        input.channels, " and ", output.channels, " channels");
  add_frames(io::rgb_mat_view(const_cast<Image&>(input)),
             io::rgb_mat_view(const_cast<Image&>(output)), cv::COLOR_RGB2GRAY);
}

void WarpingErrorMeter::add_frames(const cv::Mat& input, const cv::Mat& output, int to_gray) {
  if (size_.empty()) size_ = shrunk_size(input, max_side_);
  cv::Mat in_small, out_small, in_gray;
  cv::resize(input, in_small, size_, 0, 0, cv::INTER_AREA);
  cv::resize(output, out_small, size_, 0, 0, cv::INTER_AREA);
  cv::cvtColor(in_small, in_gray, to_gray);
  if (!in_gray_previous_.empty()) {
    PairFlow f = flow_between(in_gray_previous_, in_gray);
    output_sum_ += warping_error(f, out_previous_, out_small);
    input_sum_ += warping_error(f, in_previous_, in_small);
    ++pairs_;
  }
  in_gray_previous_ = in_gray;
  in_previous_ = in_small;
  out_previous_ = out_small;
}

WarpingErrors WarpingErrorMeter::result() const {
  if (pairs_ == 0) return {};
  return {output_sum_ / double(pairs_), input_sum_ / double(pairs_), pairs_};
}

}  // namespace comicgan::eval
