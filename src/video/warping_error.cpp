#include "video/warping_error.h"

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::video {

void add_warping_error(const Image& previous_output, const Image& output, const FlowField& flow,
                       WarpingError& total) {
  check(output.width == previous_output.width && output.height == previous_output.height &&
            flow.backward.cols == output.width && flow.backward.rows == output.height,
        "warping error: the output frames are not the input's size (", output.width, "x",
        output.height, " vs ", flow.backward.cols, "x", flow.backward.rows, ")");
  if (flow.scene_cut) {
    ++total.scene_cuts;
    return;
  }
  cv::Mat prev = io::rgb_mat_view(const_cast<Image&>(previous_output));
  cv::Mat cur = io::rgb_mat_view(const_cast<Image&>(output));
  cv::Mat prev_f, cur_f;
  prev.convertTo(prev_f, CV_32FC3);
  cur.convertTo(cur_f, CV_32FC3);
  cv::Mat warped = warp_back(prev_f, flow.backward);
  double sum = 0;
  int64_t count = 0;
  for (int y = 0; y < cur_f.rows; ++y) {
    const auto* c = cur_f.ptr<cv::Vec3f>(y);
    const auto* w = warped.ptr<cv::Vec3f>(y);
    const uint8_t* v = flow.visible.ptr<uint8_t>(y);
    for (int x = 0; x < cur_f.cols; ++x) {
      if (!v[x]) continue;
      sum += (std::abs(c[x][0] - w[x][0]) + std::abs(c[x][1] - w[x][1]) +
              std::abs(c[x][2] - w[x][2])) / 3.0;
      ++count;
    }
  }
  if (count == 0) return;
  // Running mean over all visible pixels of all pairs.
  total.mean = (total.mean * double(total.pixels) + sum) / double(total.pixels + count);
  total.pixels += count;
  ++total.pairs;
}

void WarpingErrorMeter::add(const Image& input, const Image& output) {
  if (!previous_input_.empty()) {
    FlowField flow = flow_.between(previous_input_, input);
    add_warping_error(previous_output_, output, flow, total_);
  }
  previous_input_ = input;
  previous_output_ = output;
}

void WarpingErrorMeter::add(const Image& output, const FlowField* flow) {
  if (flow && !previous_output_.empty()) add_warping_error(previous_output_, output, *flow, total_);
  previous_output_ = output;
}

}  // namespace comicgan::video
