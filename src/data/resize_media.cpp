#include "data/resize_media.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::data {

Image shrink_to_short_side(const Image& image, int short_side) {
  check(short_side >= 0, "short side must be >= 0, found ", short_side);
  const int current = std::min(image.width, image.height);
  if (short_side == 0 || current <= short_side) return image;
  const double scale = double(short_side) / current;
  // resize only reads its source; the const_cast lets the view share the pixels.
  cv::Mat in(image.height, image.width, CV_8UC(image.channels),
             const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat out;
  cv::resize(in, out,
             cv::Size(std::max(1, int(std::lround(image.width * scale))),
                      std::max(1, int(std::lround(image.height * scale)))),
             0, 0, cv::INTER_AREA);
  Image result(out.cols, out.rows, image.channels);
  out.copyTo(io::rgb_mat_view(result));
  return result;
}

}  // namespace comicgan::data
