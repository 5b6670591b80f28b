// Flicker, measured: the warping error of a stylized video is the mean |S_t - warp(S_{t-1})|
// over the pixels of frame t that were visible in frame t-1, with the flow and the occlusion
// test computed on the input frames I_{t-1}, I_t (so the output is judged against the real
// motion, not its own). In 0..255 levels, averaged over channels, visible pixels and frame
// pairs; pairs at a scene cut are left out.
#pragma once

#include <cstdint>

#include "comicgan/image.h"
#include "video/optical_flow.h"

namespace comicgan::video {

struct WarpingError {
  double mean = 0;       // 0..255
  int64_t pixels = 0;    // visible pixels counted, over all pairs
  int64_t pairs = 0;     // frame pairs measured
  int64_t scene_cuts = 0;
};

// The error of `output_t` against `output_{t-1}` moved along `flow` (input t-1 -> t);
// adds to `total`.
void add_warping_error(const Image& previous_output, const Image& output, const FlowField& flow,
                       WarpingError& total);

// Frame by frame: give each (input, output) pair in order.
class WarpingErrorMeter {
 public:
  void add(const Image& input, const Image& output);
  // The same for a pipeline that has the flow already.
  void add(const Image& output, const FlowField* flow);
  const WarpingError& result() const { return total_; }

 private:
  FlowEstimator flow_;
  Image previous_input_, previous_output_;
  WarpingError total_;
};

}  // namespace comicgan::video
