#include "video/optical_flow.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::video {

FlowEstimator::FlowEstimator(const FlowOptions& options)
    : options_(options), dis_(cv::DISOpticalFlow::create(cv::DISOpticalFlow::PRESET_FAST)) {}

cv::Mat FlowEstimator::gray(const Image& rgb, double scale) const {
  cv::Mat view = io::rgb_mat_view(const_cast<Image&>(rgb)), g;
  cv::cvtColor(view, g, cv::COLOR_RGB2GRAY);
  if (scale < 1.0) cv::resize(g, g, cv::Size(), scale, scale, cv::INTER_AREA);
  return g;
}

cv::Mat warp_back(const cv::Mat& previous, const cv::Mat& backward_flow) {
  cv::Mat map(backward_flow.size(), CV_32FC2);
  for (int y = 0; y < map.rows; ++y) {
    const auto* f = backward_flow.ptr<cv::Vec2f>(y);
    auto* m = map.ptr<cv::Vec2f>(y);
    for (int x = 0; x < map.cols; ++x) m[x] = cv::Vec2f(float(x) + f[x][0], float(y) + f[x][1]);
  }
  cv::Mat warped;
  cv::remap(previous, warped, map, cv::noArray(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return warped;
}

FlowField FlowEstimator::between(const Image& previous, const Image& current) {
  check(previous.width == current.width && previous.height == current.height,
        "optical flow: frames of different sizes (", previous.width, "x", previous.height, " and ",
        current.width, "x", current.height, ")");
  const int w = current.width, h = current.height;
  double scale = std::min(1.0, double(options_.max_side) / std::max(w, h));
  cv::Mat g0 = gray(previous, scale), g1 = gray(current, scale);
  cv::Mat backward, forward;
  dis_->calc(g1, g0, backward);  // current -> previous
  dis_->calc(g0, g1, forward);   // previous -> current
  if (scale < 1.0) {
    cv::resize(backward, backward, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    cv::resize(forward, forward, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
    backward *= 1.0 / scale;
    forward *= 1.0 / scale;
    g0 = gray(previous, 1.0);
    g1 = gray(current, 1.0);
  }
  // Forward flow read where each pixel came from: b + f(x + b) ~ 0 for points seen in both.
  cv::Mat forward_there = warp_back(forward, backward);
  cv::Mat g0_there = warp_back(g0, backward);
  FlowField field;
  field.backward = backward;
  field.visible = cv::Mat(h, w, CV_8U);
  cv::absdiff(g0_there, g1, field.change);
  int64_t visible = 0;
  double photometric = 0;
  for (int y = 0; y < h; ++y) {
    const auto* b = backward.ptr<cv::Vec2f>(y);
    const auto* f = forward_there.ptr<cv::Vec2f>(y);
    const uint8_t* d = field.change.ptr<uint8_t>(y);
    uint8_t* v = field.visible.ptr<uint8_t>(y);
    for (int x = 0; x < w; ++x) {
      cv::Vec2f sum = b[x] + f[x];
      float bound = 0.01f * (b[x].dot(b[x]) + f[x].dot(f[x])) + 0.5f;
      float sx = float(x) + b[x][0], sy = float(y) + b[x][1];
      bool inside = sx >= 0 && sy >= 0 && sx <= float(w - 1) && sy <= float(h - 1);
      bool ok = inside && sum.dot(sum) <= bound;
      v[x] = ok ? 255 : 0;
      if (ok) {
        ++visible;
        photometric += d[x];
      }
    }
  }
  field.visible_fraction = double(visible) / (double(w) * h);
  double mean_error = visible ? photometric / double(visible) : 255.0;
  field.scene_cut = field.visible_fraction < options_.min_visible_fraction ||
                    mean_error > options_.max_photometric_error;
  return field;
}

}  // namespace comicgan::video
