#include "eval/look_metrics.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::eval {
namespace {

cv::Mat bgr_of(const Image& image) {
  check(!image.empty() && image.channels >= 3, "look metrics: expected an RGB picture");
  cv::Mat bgr = io::image_to_bgr_mat(image);
  return bgr.channels() == 4 ? io::over_white(bgr) : bgr;
}

cv::Mat coarse_lab(const Image& image) {
  cv::Mat small, lab;
  const cv::Size size(std::max(1, image.width / kColourShiftScale),
                      std::max(1, image.height / kColourShiftScale));
  cv::resize(bgr_of(image), small, size, 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32FC3, 1.0 / 255.0);
  cv::cvtColor(small, lab, cv::COLOR_BGR2Lab);
  return lab;
}

}  // namespace

double colour_shift(const Image& photo, const Image& output) {
  check(photo.width == output.width && photo.height == output.height,
        "colour shift: pictures differ in size: ", photo.width, "x", photo.height, " and ",
        output.width, "x", output.height);
  cv::Mat a = coarse_lab(photo), b = coarse_lab(output);
  double sum = 0;
  for (int y = 0; y < a.rows; ++y) {
    const auto* pa = a.ptr<cv::Vec3f>(y);
    const auto* pb = b.ptr<cv::Vec3f>(y);
    for (int x = 0; x < a.cols; ++x) sum += cv::norm(cv::Vec3d(pa[x]) - cv::Vec3d(pb[x]));
  }
  return sum / double(a.rows * a.cols);
}

double flat_fraction(const Image& image) {
  cv::Mat gray, gx, gy, magnitude;
  cv::cvtColor(bgr_of(image), gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F);
  cv::Sobel(gray, gx, CV_32F, 1, 0, 3);
  cv::Sobel(gray, gy, CV_32F, 0, 1, 3);
  cv::magnitude(gx, gy, magnitude);
  return double(cv::countNonZero(magnitude < kFlatGradient)) / double(magnitude.total());
}

double flat_gain(const Image& photo, const Image& output) {
  return flat_fraction(output) - flat_fraction(photo);
}

}  // namespace comicgan::eval
