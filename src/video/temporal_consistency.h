// Flicker removal for `--consistency flow`: the previous output frame, moved onto the current
// one along the input's optical flow, is blended into the current stylized frame wherever the
// point was visible in the previous frame and the input itself did not change there. Occluded
// and newly revealed pixels take the fresh stylization; a scene cut starts over.
#pragma once

#include <opencv2/core.hpp>

#include "comicgan/image.h"
#include "video/optical_flow.h"

namespace comicgan::video {

struct ConsistencyOptions {
  // Weight of the warped previous output where fully trusted. 0.9: on five real clips with the
  // default model, warping error 40% below per-frame stylization (0.8: 37%), while the output
  // on moving pixels departs from the per-frame one only a little more (bench/RESULTS.md).
  float blend = 0.9f;
  float change_tolerance = 12.0f;  // input change (0..255) at which trust falls to 1/e
};

class TemporalBlender {
 public:
  explicit TemporalBlender(const ConsistencyOptions& options = {});
  // `flow`: from the previous input frame to this one; nullptr for the first frame.
  Image apply(const Image& stylized, const FlowField* flow);

 private:
  ConsistencyOptions options_;
  cv::Mat previous_;  // CV_32FC3, the last output before rounding, so error does not pile up
};

}  // namespace comicgan::video
