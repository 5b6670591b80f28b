// Flicker, measured: the one warping error comicgan reports (`comicgan eval video`, `comicgan
// bench --video`, the video tests). Lai et al. 2018, "Learning Blind Video Temporal
// Consistency": each output frame against the previous output frame warped onto it by the
// optical flow of the input frames, over the pixels where forward and backward flow agree (not
// occluded); the mean absolute difference on a 0..1 scale, averaged over frame pairs. Lower is
// steadier. The flow is Farneback's, on frames shrunk to `max_side`: independent of the DIS flow
// that `--consistency flow` blends along (src/video/optical_flow.h), so the filter is not graded
// by its own flow. The same measure on the input itself is the floor that flow errors, motion
// blur and compression leave.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

#include "comicgan/image.h"

namespace comicgan::eval {

// The warping error of one pair of frames (8-bit, 3 channels, one size) given the input's flow
// both ways (CV_32FC2; `backward` maps each current pixel to the previous frame, `forward` the
// other way). `trusted` counts the pixels it was taken over.
struct WarpingError {
  double error = 0;
  int64_t trusted = 0;
};
WarpingError pair_warping_error(const cv::Mat& previous, const cv::Mat& current,
                                const cv::Mat& backward, const cv::Mat& forward);

struct WarpingErrors {
  double output = 0;  // of the stylized video, 0..1
  double input = 0;   // of the source itself: the floor
  int64_t pairs = 0;
};

// Frame by frame: give each (input, output) pair in order. The output is compared at the size
// the input is analysed at.
class WarpingErrorMeter {
 public:
  explicit WarpingErrorMeter(int max_side = 320);
  void add_bgr(const cv::Mat& input, const cv::Mat& output);  // 8-bit BGR, as OpenCV reads
  void add(const Image& input, const Image& output);          // RGB
  WarpingErrors result() const;
  cv::Size analysis_size() const { return size_; }

 private:
  void add_frames(const cv::Mat& input, const cv::Mat& output, int to_gray);
  int max_side_;
  cv::Size size_;
  cv::Mat in_previous_, out_previous_, in_gray_previous_;
  double output_sum_ = 0, input_sum_ = 0;
  int64_t pairs_ = 0;
};

}  // namespace comicgan::eval
