#include "eval/content_metrics.h"

#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::eval {
namespace {

namespace F = torch::nn::functional;

constexpr int kWindow = 11;
constexpr double kSigma = 1.5;

at::Tensor gaussian_window() {
  auto x = torch::arange(kWindow, torch::kDouble) - (kWindow - 1) / 2.0;
  auto g = torch::exp(-(x * x) / (2 * kSigma * kSigma));
  auto w = torch::outer(g, g);
  return (w / w.sum()).view({1, 1, kWindow, kWindow});
}

void check_same_size(const Image& a, const Image& b, const char* what) {
  check(a.width == b.width && a.height == b.height, what, ": pictures differ in size: ", a.width,
        "x", a.height, " and ", b.width, "x", b.height);
  check(a.channels >= 3 && b.channels >= 3, what, ": expected RGB pictures");
}

cv::Mat canny_edges(const Image& image, const EdgeOptions& o) {
  cv::Mat gray;
  cv::cvtColor(io::image_to_bgr_mat(image), gray,
               image.channels == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::Mat edges;
  cv::Canny(gray, edges, o.low_threshold, o.high_threshold, 3, false);
  return edges;
}

}  // namespace

at::Tensor luminance(const Image& image) {
  check(!image.empty() && image.channels >= 3, "luminance: expected an RGB picture");
  auto hwc = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                              {image.height, image.width, image.channels}, torch::kByte)
                 .to(torch::kDouble);
  return hwc.select(2, 0) * 0.299 + hwc.select(2, 1) * 0.587 + hwc.select(2, 2) * 0.114;
}

double ssim(const at::Tensor& a, const at::Tensor& b) {
  check(a.dim() == 2 && a.sizes() == b.sizes() && a.size(0) >= kWindow && a.size(1) >= kWindow,
        "SSIM: expected two luminance planes of one size, at least ", kWindow, "x", kWindow,
        ", found ", a.sizes(), " and ", b.sizes());
  const double c1 = std::pow(0.01 * 255, 2), c2 = std::pow(0.03 * 255, 2);
  auto x = a.to(torch::kDouble).view({1, 1, a.size(0), a.size(1)});
  auto y = b.to(torch::kDouble).view({1, 1, b.size(0), b.size(1)});
  auto w = gaussian_window();
  auto filter = [&](const at::Tensor& t) { return F::conv2d(t, w); };  // "valid" positions
  auto mx = filter(x), my = filter(y);
  auto sxx = filter(x * x) - mx * mx, syy = filter(y * y) - my * my, sxy = filter(x * y) - mx * my;
  auto map = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
  return map.mean().item<double>();
}

double ssim_luminance(const Image& a, const Image& b) {
  check_same_size(a, b, "SSIM");
  return ssim(luminance(a), luminance(b));
}

EdgeScores edge_f1(const Image& reference, const Image& candidate, const EdgeOptions& o) {
  check_same_size(reference, candidate, "edge F1");
  cv::Mat ea = canny_edges(reference, o), eb = canny_edges(candidate, o);
  cv::Mat square =
      cv::getStructuringElement(cv::MORPH_RECT, cv::Size(2 * o.tolerance + 1, 2 * o.tolerance + 1));
  cv::Mat near_a, near_b;
  cv::dilate(ea, near_a, square);
  cv::dilate(eb, near_b, square);
  EdgeScores s;
  s.edges_a = cv::countNonZero(ea);
  s.edges_b = cv::countNonZero(eb);
  if (s.edges_a == 0 && s.edges_b == 0) {
    s.precision = s.recall = s.f1 = 1;
    return s;
  }
  cv::Mat matched_b, matched_a;
  cv::bitwise_and(eb, near_a, matched_b);
  cv::bitwise_and(ea, near_b, matched_a);
  s.precision = s.edges_b ? double(cv::countNonZero(matched_b)) / double(s.edges_b) : 0;
  s.recall = s.edges_a ? double(cv::countNonZero(matched_a)) / double(s.edges_a) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  return s;
}

}  // namespace comicgan::eval
