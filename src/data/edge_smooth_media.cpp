#include "data/edge_smooth.h"

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::data {

Image grayscale(const Image& rgb) {
  check(rgb.channels == 3, "grayscale: expected an RGB image, found ", rgb.channels, " channels");
  Image gray(rgb.width, rgb.height, 1);
  cv::Mat in(rgb.height, rgb.width, CV_8UC3, const_cast<uint8_t*>(rgb.pixels.data()));
  cv::Mat out(gray.height, gray.width, CV_8UC1, gray.pixels.data());
  cv::cvtColor(in, out, cv::COLOR_RGB2GRAY);
  return gray;
}

Image edge_smooth(const Image& rgb) {
  constexpr int kKernel = 5, kPad = kKernel / 2;
  // getGaussianKernel(5, 0) is exactly [1 4 6 4 1] / 16, so the reference's float sums are
  // exact multiples of 1/256 and integer arithmetic reproduces them bit for bit.
  constexpr int kWeights[kKernel] = {1, 4, 6, 4, 1};

  Image gray = grayscale(rgb);
  cv::Mat gray_mat(gray.height, gray.width, CV_8UC1, gray.pixels.data());
  cv::Mat edges, dilated;
  cv::Canny(gray_mat, edges, 100, 200);
  cv::dilate(edges, dilated, cv::Mat::ones(kKernel, kKernel, CV_8U));

  cv::Mat in(rgb.height, rgb.width, CV_8UC3, const_cast<uint8_t*>(rgb.pixels.data()));
  cv::Mat padded;
  cv::copyMakeBorder(in, padded, kPad, kPad, kPad, kPad, cv::BORDER_REFLECT_101);

  Image out = rgb;
  for (int y = 0; y < rgb.height; ++y) {
    const uint8_t* mask = dilated.ptr<uint8_t>(y);
    uint8_t* o = out.row(y);
    for (int x = 0; x < rgb.width; ++x) {
      if (!mask[x]) continue;
      int sum[3] = {0, 0, 0};
      for (int dy = 0; dy < kKernel; ++dy) {
        const uint8_t* p = padded.ptr<uint8_t>(y + dy) + 3 * x;
        for (int dx = 0; dx < kKernel; ++dx) {
          int w = kWeights[dy] * kWeights[dx];
          for (int c = 0; c < 3; ++c) sum[c] += w * p[3 * dx + c];
        }
      }
      for (int c = 0; c < 3; ++c) o[3 * x + c] = uint8_t(sum[c] / 256);
    }
  }
  return out;
}

}  // namespace comicgan::data
