#include "io/image_mat.h"

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"

namespace comicgan::io {

namespace {
void check_image(const Image& image) {
  check(image.channels == 3 || image.channels == 4, "image: expected 3 (RGB) or 4 (RGBA) channels",
        ", found ", image.channels);
  check(image.width > 0 && image.height > 0, "image: empty (", image.width, "x", image.height, ")");
  check(image.pixels.size() == size_t(image.width) * image.height * image.channels,
        "image: ", image.width, "x", image.height, "x", image.channels, " needs ",
        size_t(image.width) * image.height * image.channels, " bytes, found ", image.pixels.size());
}
}  // namespace

cv::Mat over_white(const cv::Mat& bgra) {
  cv::Mat out(bgra.rows, bgra.cols, CV_8UC3);
  for (int y = 0; y < bgra.rows; ++y) {
    const uint8_t* in = bgra.ptr<uint8_t>(y);
    uint8_t* o = out.ptr<uint8_t>(y);
    for (int x = 0; x < bgra.cols; ++x) {
      uint32_t a = in[4 * x + 3];
      for (int c = 0; c < 3; ++c)
        o[3 * x + c] = uint8_t((in[4 * x + c] * a + 255 * (255 - a) + 127) / 255);
    }
  }
  return out;
}

cv::Mat rgb_mat_view(Image& image) {
  check_image(image);
  return cv::Mat(image.height, image.width, CV_8UC(image.channels), image.pixels.data());
}

cv::Mat image_to_bgr_mat(const Image& image) {
  check_image(image);
  // cvtColor only reads the source; the const_cast lets the view share the pixels.
  cv::Mat view(image.height, image.width, CV_8UC(image.channels),
               const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  cv::cvtColor(view, bgr, image.channels == 4 ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
  return bgr;
}

Image bgr_mat_to_image(const cv::Mat& mat) {
  check(mat.depth() == CV_8U && mat.dims == 2,
        "image: expected an 8-bit 2-D picture, found Mat type ", cv::typeToString(mat.type()));
  int channels = mat.channels();
  check(channels >= 1 && channels <= 4, "image: expected 1 to 4 channels, found ", channels);
  Image image(mat.cols, mat.rows, channels == 2 || channels == 4 ? 4 : 3);
  cv::Mat out = rgb_mat_view(image);
  switch (channels) {
    case 1:
      cv::cvtColor(mat, out, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(mat, out, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(mat, out, cv::COLOR_BGRA2RGBA);
      break;
    case 2:  // gray + alpha: OpenCV has no conversion code for it
      for (int y = 0; y < mat.rows; ++y) {
        const uint8_t* in = mat.ptr<uint8_t>(y);
        uint8_t* row = image.row(y);
        for (int x = 0; x < mat.cols; ++x) {
          row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = in[2 * x];
          row[4 * x + 3] = in[2 * x + 1];
        }
      }
      break;
  }
  return image;
}

}  // namespace comicgan::io
