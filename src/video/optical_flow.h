// Dense optical flow between consecutive input frames (OpenCV's DIS), the occlusion test that
// says which pixels of frame t were visible in frame t-1 (forward-backward consistency, as in
// Sundaram et al. 2010 and Ruder et al. 2016), scene-cut detection, and backward warping, for
// the flicker filter (temporal_consistency). The flicker metric (eval/warping_error.h) uses a
// flow of its own on purpose, so the filter is not graded by the flow it blends along.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/video/tracking.hpp>

#include "comicgan/image.h"

namespace comicgan::video {

struct FlowField {
  cv::Mat backward;  // CV_32FC2: for each pixel of frame t, its offset to frame t-1
  cv::Mat visible;   // CV_8U: 255 where the pixel was visible in frame t-1, else 0
  cv::Mat change;    // CV_8U: |gray_t - warp(gray_{t-1})|, how much the input itself changed there
  double visible_fraction = 0;
  bool scene_cut = false;  // too little of frame t is explained by frame t-1
};

struct FlowOptions {
  int max_side = 1024;                 // flow is computed at most this large, then scaled up
  double min_visible_fraction = 0.35;  // below: a scene cut
  double max_photometric_error =
      30;  // mean |I_t - warp(I_{t-1})| over visible pixels (0..255) above: a cut
};

class FlowEstimator {
 public:
  explicit FlowEstimator(const FlowOptions& options = {});
  // previous, current: RGB frames of one size.
  FlowField between(const Image& previous, const Image& current);

 private:
  cv::Mat gray(const Image& rgb, double scale) const;
  FlowOptions options_;
  cv::Ptr<cv::DISOpticalFlow> dis_;
};

// The picture `previous` (any type) resampled at x + flow(x): frame t-1 moved onto frame t.
cv::Mat warp_back(const cv::Mat& previous, const cv::Mat& backward_flow);

}  // namespace comicgan::video
