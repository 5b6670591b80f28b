// Each metric against the NumPy / PyTorch / OpenCV reference of
// tests/fixtures/eval/make_metrics.py.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>

#include "comicgan/error.h"
#include "eval/content_metrics.h"
#include "eval/feature_distance.h"
#include "eval/look_metrics.h"
#include "eval/reference.h"
#include "eval/swd.h"
#include "models/vgg.h"

using namespace comicgan;
using eval_test::load_reference;
using eval_test::scalar;

namespace {

const std::map<std::string, at::Tensor>& reference() {
  static auto ref = load_reference("metrics_reference.pt");
  return ref;
}

Image picture_from(const at::Tensor& hwc) {
  Image img(int(hwc.size(1)), int(hwc.size(0)), 3);
  std::memcpy(img.pixels.data(), hwc.contiguous().data_ptr<uint8_t>(), img.pixels.size());
  return img;
}

}  // namespace

TEST(EvalSwd, LaplacianPyramidMatchesNumpy) {
  const auto& ref = reference();
  auto pyramid = eval::laplacian_pyramid(ref.at("swd.images_a"), 2);
  ASSERT_EQ(pyramid.size(), 2u);
  EXPECT_TRUE(
      torch::allclose(pyramid[0].to(torch::kDouble), ref.at("swd.pyramid_a.0"), 1e-5, 1e-5));
  EXPECT_TRUE(
      torch::allclose(pyramid[1].to(torch::kDouble), ref.at("swd.pyramid_a.1"), 1e-5, 1e-5));
}

TEST(EvalSwd, PatchesNormalisationAndSlicedWassersteinMatchNumpy) {
  const auto& ref = reference();
  auto level_a = eval::laplacian_pyramid(ref.at("swd.images_a"), 2)[0];
  auto level_b = eval::laplacian_pyramid(ref.at("swd.images_b"), 2)[0];
  auto ys = ref.at("swd.ys"), xs = ref.at("swd.xs");
  auto pa = eval::extract_patches(level_a, ref.at("swd.index"), ys, xs, 7);
  EXPECT_TRUE(torch::allclose(pa.to(torch::kDouble), ref.at("swd.patches_a"), 1e-5, 1e-5));
  auto na = eval::normalize_patches(pa);
  EXPECT_TRUE(torch::allclose(na.to(torch::kDouble), ref.at("swd.normalized_a"), 1e-4, 1e-4));
  auto pb = eval::extract_patches(level_b, torch::arange(24, torch::kLong).remainder(2), ys, xs, 7);
  double sw = eval::sliced_wasserstein(na, eval::normalize_patches(pb), ref.at("swd.directions"));
  EXPECT_NEAR(sw, scalar(ref, "swd.sliced_wasserstein"), 1e-5);
}

TEST(EvalSwd, ASetAgainstItselfIsZeroAndAShiftedSetIsFarther) {
  torch::manual_seed(5);
  // Smooth random pictures with structure at several scales.
  auto base = torch::nn::functional::interpolate(torch::rand({6, 3, 16, 16}) * 2 - 1,
                                                 torch::nn::functional::InterpolateFuncOptions()
                                                     .size(std::vector<int64_t>{64, 64})
                                                     .mode(torch::kBilinear)
                                                     .align_corners(false));
  auto noisy = base + 0.05 * torch::randn_like(base);
  eval::SwdOptions o;
  o.patches_per_image = 64;
  auto self = eval::sliced_wasserstein_distance(base, base, o);
  EXPECT_EQ(self.resolutions, (std::vector<int64_t>{64, 32, 16}));
  EXPECT_LT(self.mean, 1e-6);
  auto near = eval::sliced_wasserstein_distance(base, noisy, o).mean;
  auto contrast = eval::sliced_wasserstein_distance(
                      base, (base * 0.3).tanh() + 0.3 * torch::randn_like(base), o)
                      .mean;
  auto far = eval::sliced_wasserstein_distance(base, torch::rand_like(base) * 2 - 1, o).mean;
  EXPECT_GT(near, self.mean);
  // Margins leave room for the CPU-dependent random streams (vectorised randn differs by ISA).
  EXPECT_GT(contrast, 2 * near);
  EXPECT_GT(far, 4 * near);
  EXPECT_GT(far, contrast);
}

TEST(EvalSwd, SetsOfDifferentSizesCompare) {
  auto a = torch::rand({3, 3, 32, 32}), b = torch::rand({5, 3, 32, 32});
  auto r = eval::sliced_wasserstein_distance(a, b);
  EXPECT_EQ(r.per_level.size(), 2u);
  EXPECT_GT(r.mean, 0);
  EXPECT_THROW(eval::sliced_wasserstein_distance(a, torch::rand({2, 3, 16, 16})), Error);
}

TEST(EvalFeatureDistance, FrechetDistanceMatchesNumpyEigenvaluesOfTheProduct) {
  const auto& ref = reference();
  double fid = eval::frechet_distance(ref.at("fid.features_a"), ref.at("fid.features_b"));
  EXPECT_NEAR(fid, scalar(ref, "fid.value"), 1e-8 * std::abs(scalar(ref, "fid.value")) + 1e-9);
  EXPECT_NEAR(eval::frechet_distance(ref.at("fid.features_a"), ref.at("fid.features_a")), 0, 1e-9);
}

TEST(EvalFeatureDistance, KidMatchesNumpyUnbiasedPolynomialMmd) {
  const auto& ref = reference();
  auto a = ref.at("fid.features_a"), b = ref.at("fid.features_b");
  EXPECT_NEAR(eval::polynomial_mmd_unbiased(a, b), scalar(ref, "kid.mmd"), 1e-10);
  // One subset as large as both sets is the whole-set estimate (order does not matter).
  auto b40 = torch::cat({b, b.slice(0, 0, 10) + 0.01}, 0);
  eval::KidOptions o;
  o.subsets = 3;
  auto kid = eval::kernel_inception_distance(a, b40, o);
  EXPECT_NEAR(kid.mean, eval::polynomial_mmd_unbiased(a, b40), 1e-10);
  EXPECT_NEAR(kid.stddev, 0, 1e-10);
  // Subsets smaller than the sets: an estimate near the whole-set value.
  o.subsets = 50;
  o.subset_size = 20;
  EXPECT_NEAR(eval::kernel_inception_distance(a, b, o).mean, scalar(ref, "kid.mmd"),
              0.5 * std::abs(scalar(ref, "kid.mmd")));
}

TEST(EvalContent, SsimMatchesWangEtAlReference) {
  const auto& ref = reference();
  Image a = picture_from(ref.at("content.picture_a")),
        b = picture_from(ref.at("content.picture_b"));
  EXPECT_NEAR(eval::ssim_luminance(a, b), scalar(ref, "content.ssim"), 1e-9);
  EXPECT_NEAR(eval::ssim_luminance(a, a), 1.0, 1e-12);
}

TEST(EvalContent, EdgeF1MatchesOpenCvReference) {
  const auto& ref = reference();
  Image a = picture_from(ref.at("content.picture_a")),
        b = picture_from(ref.at("content.picture_b"));
  auto e = eval::edge_f1(a, b);
  EXPECT_GT(e.edges_a, 0);
  EXPECT_NEAR(e.precision, scalar(ref, "content.edge_precision"), 1e-12);
  EXPECT_NEAR(e.recall, scalar(ref, "content.edge_recall"), 1e-12);
  EXPECT_NEAR(e.f1, scalar(ref, "content.edge_f1"), 1e-12);
  EXPECT_DOUBLE_EQ(eval::edge_f1(a, a).f1, 1.0);
  Image flat(64, 48, 3);
  EXPECT_DOUBLE_EQ(eval::edge_f1(flat, flat).f1, 1.0);
  EXPECT_DOUBLE_EQ(eval::edge_f1(a, flat).f1, 0.0);
}

TEST(EvalLook, ColourShiftAndFlatGainMatchOpenCvReference) {
  const auto& ref = reference();
  Image a = picture_from(ref.at("look.picture_a")), b = picture_from(ref.at("look.picture_b"));
  ASSERT_EQ(a.width, 83);  // 1/16 of each side is 5x3: the rounding of the downsampled size
  EXPECT_NEAR(eval::colour_shift(a, b), scalar(ref, "look.colour_shift"), 1e-4);
  EXPECT_NEAR(eval::flat_fraction(a), scalar(ref, "look.flat_a"), 1e-12);
  EXPECT_NEAR(eval::flat_fraction(b), scalar(ref, "look.flat_b"), 1e-12);
  EXPECT_NEAR(eval::flat_gain(a, b), scalar(ref, "look.flat_b") - scalar(ref, "look.flat_a"),
              1e-12);
  EXPECT_GT(eval::flat_gain(a, b), 0.3);  // the mean-shift filtered copy is much flatter
  EXPECT_DOUBLE_EQ(eval::colour_shift(a, a), 0.0);
  EXPECT_DOUBLE_EQ(eval::flat_gain(a, a), 0.0);
}

TEST(EvalLook, ColourShiftRefusesPicturesOfDifferentSizes) {
  Image a(32, 32, 3), b(32, 31, 3);
  EXPECT_THROW(eval::colour_shift(a, b), Error);
}

TEST(EvalContent, VggFeaturesMatchPyTorch) {
  // The embedded VGG19-relu3_1 (the one training uses) against PyTorch on the same weights.
  const auto& ref = reference();
  auto vgg = models::default_perceptual_net();
  c10::InferenceMode guard;
  auto features = [&](const at::Tensor& x01) { return vgg->forward(x01 * 2 - 1); };
  auto f = features(ref.at("vgg.input_a"));
  EXPECT_TRUE(torch::allclose(f, ref.at("vgg.features_a"), 1e-3, 1e-2))
      << (f - ref.at("vgg.features_a")).abs().max().item<double>();
  auto d = (f - features(ref.at("vgg.input_b"))).abs().mean({1, 2, 3}).to(torch::kDouble);
  EXPECT_TRUE(torch::allclose(d, ref.at("vgg.distance"), 1e-4, 1e-4));
}
