#include "data/edge_preserving_media.h"

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::data {

Image mean_shift_filter(const Image& image) {
  check(!image.empty() && image.channels >= 3, "mean shift filter: expected an RGB picture");
  cv::Mat bgr = io::image_to_bgr_mat(image);
  if (bgr.channels() == 4) bgr = io::over_white(bgr);
  cv::Mat out;
  cv::pyrMeanShiftFiltering(bgr, out, kMeanShiftSpatial, kMeanShiftColour);
  return io::bgr_mat_to_image(out);
}

}  // namespace comicgan::data
