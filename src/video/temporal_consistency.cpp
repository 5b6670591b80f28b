#include "video/temporal_consistency.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::video {

TemporalBlender::TemporalBlender(const ConsistencyOptions& options) : options_(options) {
  check(options.blend >= 0 && options.blend < 1, "consistency blend must be in [0,1), found ",
        options.blend);
}

Image TemporalBlender::apply(const Image& stylized, const FlowField* flow) {
  cv::Mat current;
  io::rgb_mat_view(const_cast<Image&>(stylized)).convertTo(current, CV_32FC3);
  bool usable = flow && !flow->scene_cut && !previous_.empty() &&
                previous_.size() == current.size() && flow->backward.size() == current.size();
  if (usable) {
    cv::Mat warped = warp_back(previous_, flow->backward);
    // Trust per pixel: visible in the previous frame, fading as the input itself changes.
    float lut[256];
    for (int d = 0; d < 256; ++d) {
      float r = float(d) / options_.change_tolerance;
      lut[d] = options_.blend * std::exp(-r * r);
    }
    for (int y = 0; y < current.rows; ++y) {
      auto* c = current.ptr<cv::Vec3f>(y);
      const auto* p = warped.ptr<cv::Vec3f>(y);
      const uint8_t* v = flow->visible.ptr<uint8_t>(y);
      const uint8_t* d = flow->change.ptr<uint8_t>(y);
      for (int x = 0; x < current.cols; ++x) {
        if (!v[x]) continue;
        float a = lut[d[x]];
        c[x] += a * (p[x] - c[x]);
      }
    }
  }
  previous_ = current;
  Image out(stylized.width, stylized.height, 3);
  cv::Mat out_view = io::rgb_mat_view(out);
  current.convertTo(out_view, CV_8UC3);  // rounds and saturates
  return out;
}

}  // namespace comicgan::video
