// The colour and flatness training terms (train/losses.h) against OpenCV, the reference the eval
// figures they aim at are computed with (eval/look_metrics.h).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "train/losses.h"

using namespace comicgan;

namespace {

// (1,3,H,W) in [-1,1] -> OpenCV's float Lab (H,W,3) of the same pixels.
cv::Mat opencv_lab(const at::Tensor& image) {
  auto rgb = ((image[0] + 1) * 0.5).permute({1, 2, 0}).flip(2).contiguous();  // HWC, BGR order
  cv::Mat bgr(int(rgb.size(0)), int(rgb.size(1)), CV_32FC3, rgb.data_ptr<float>());
  cv::Mat lab;
  cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
  return lab.clone();
}

}  // namespace

TEST(LookLosses, RgbToLabMatchesOpenCv) {
  torch::manual_seed(3);
  auto image = torch::rand({1, 3, 7, 9}) * 2 - 1;
  image.index_put_({0, torch::indexing::Slice(), 0, 0}, -1.0);  // black: the linear branch
  image.index_put_({0, torch::indexing::Slice(), 0, 1}, 1.0);   // white
  auto lab = train::rgb_to_lab(image);
  cv::Mat ref = opencv_lab(image);
  double worst = 0;
  for (int y = 0; y < 7; ++y)
    for (int x = 0; x < 9; ++x)
      for (int c = 0; c < 3; ++c)
        worst =
            std::max(worst, std::abs(lab[0][c][y][x].item<double>() - ref.at<cv::Vec3f>(y, x)[c]));
  // OpenCV's float path interpolates tables (measured up to 0.27 off the formula, of L's 100).
  EXPECT_LT(worst, 0.5);
}

TEST(LookLosses, LabColorLossIsTheMeanDistanceOfPooledColours) {
  torch::manual_seed(4);
  auto photo = torch::rand({2, 3, 16, 24}) * 2 - 1, fake = torch::rand({2, 3, 16, 24}) * 2 - 1;
  double expected = 0;
  for (int n = 0; n < 2; ++n) {
    auto pa = torch::avg_pool2d(photo.slice(0, n, n + 1), 8),
         pb = torch::avg_pool2d(fake.slice(0, n, n + 1), 8);
    cv::Mat a = opencv_lab(pa), b = opencv_lab(pb);
    for (int y = 0; y < a.rows; ++y)
      for (int x = 0; x < a.cols; ++x)
        expected +=
            cv::norm(cv::Vec3d(a.at<cv::Vec3f>(y, x)) - cv::Vec3d(b.at<cv::Vec3f>(y, x))) / 12.0;
  }
  EXPECT_NEAR(train::lab_color_loss(photo, fake, 8).item<double>(), expected, 0.05);
  // Detail inside a pooled block is free: reversing each 8x8 block's rows changes nothing.
  auto shuffled = fake.view({2, 3, 2, 8, 24}).flip(3).reshape({2, 3, 16, 24});
  EXPECT_NEAR(train::lab_color_loss(photo, shuffled, 8).item<double>(),
              train::lab_color_loss(photo, fake, 8).item<double>(), 1e-4);
  // At distance 0 the loss is ~0 and its gradient finite.
  auto same = photo.clone().requires_grad_(true);
  auto zero = train::lab_color_loss(photo, same, 8);
  zero.backward();
  EXPECT_LT(zero.item<double>(), 0.02);
  EXPECT_TRUE(torch::isfinite(same.grad()).all().item<bool>());
  EXPECT_THROW(train::lab_color_loss(photo, fake.slice(3, 0, 16), 8), Error);
}

TEST(LookLosses, FlatLossRemovesWeakGradientsAndKeepsEdges) {
  // Hand value: a horizontal ramp of 4 levels per pixel with threshold 8 costs 0.5 * 4 / 8.
  auto ramp =
      (torch::arange(10, torch::kFloat) * 4 / 127.5 - 1).view({1, 1, 1, 10}).expand({1, 3, 10, 10});
  EXPECT_NEAR(train::flat_loss(ramp.contiguous(), 8).item<double>(), 0.25, 1e-5);

  // Noise on two flat halves with a strong step between them: descending the loss flattens the
  // noise and leaves the step (its gradient is free).
  torch::manual_seed(5);
  auto step = torch::cat({torch::full({1, 3, 32, 16}, -0.6), torch::full({1, 3, 32, 16}, 0.6)}, 3);
  auto image = (step + torch::randn({1, 3, 32, 32}) * 0.02).requires_grad_(true);
  auto luma = [](const at::Tensor& x) {
    return x.select(1, 0) * 0.299 + x.select(1, 1) * 0.587 + x.select(1, 2) * 0.114;
  };
  auto left = [&] { return luma(image).slice(2, 2, 14); };
  auto right = [&] { return luma(image).slice(2, 18, 30); };
  const double noise_before = left().std().item<double>();
  torch::optim::Adam adam({image}, 1e-3);
  const double before = train::flat_loss(image, 8).item<double>();
  for (int i = 0; i < 300; ++i) {
    adam.zero_grad();
    train::flat_loss(image, 8).backward();
    adam.step();
  }
  torch::NoGradGuard no_grad;
  EXPECT_LT(train::flat_loss(image, 8).item<double>(), before * 0.2);
  EXPECT_LT(left().std().item<double>(), noise_before / 3);         // the luma's noise is flattened
  EXPECT_GT((right().mean() - left().mean()).item<double>(), 1.1);  // the step stays
}

TEST(LookLosses, DescendingTheColourLossReachesThePhotosColours) {
  torch::manual_seed(6);
  auto photo = torch::rand({2, 3, 32, 32}) * 2 - 1;
  auto image = torch::zeros({2, 3, 32, 32}).requires_grad_(true);  // mid grey
  torch::optim::Adam adam({image}, 1e-2);
  for (int i = 0; i < 300; ++i) {
    adam.zero_grad();
    train::lab_color_loss(photo, image, 8).backward();
    adam.step();
  }
  EXPECT_LT(train::lab_color_loss(photo, image, 8).item<double>(), 0.5);
}
