// The fast path against the reference module: same weights, many input sizes, both upsampling
// modes, full and half width; fp32 to 1e-4, with the AVX-512 kernels and with the references.
#include "infer/fast_generator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "infer/benchmark.h"
#include "infer/packed_conv.h"
#include "infer/stylizer.h"
#include "models/animegan2.h"

using namespace comicgan;

namespace {

// Random weights, with GroupNorm's affine parameters randomized too (they start at 1 and 0).
std::shared_ptr<models::Generator> random_generator(bool align_corners, double width,
                                                    uint64_t seed) {
  torch::manual_seed(seed);
  auto g =
      models::make_generator("animegan2", {{"width", width}, {"align_corners", align_corners}});
  torch::NoGradGuard no_grad;
  for (auto& p : g->named_parameters())
    if (p.value().dim() == 1)
      p.value().copy_(torch::randn_like(p.value()) * 0.3 +
                      (p.key().find("weight") != std::string::npos ? 1.0 : 0.0));
  g->eval();
  return g;
}

float max_diff_to_module(models::Generator& g, infer::FastGenerator& fast, int64_t h, int64_t w) {
  auto x = torch::rand({1, 3, h, w}) * 2 - 1;
  torch::NoGradGuard no_grad;
  return (fast.forward(x) - g.forward(x)).abs().max().item<float>();
}

}  // namespace

TEST(FastGenerator, MatchesModuleAlignCornersAnySize) {
  for (double width : {0.5, 1.0}) {
    auto g = random_generator(true, width, 11);
    infer::FastGenerator fast(*g, at::kFloat);
    for (auto [h, w] :
         std::vector<std::pair<int64_t, int64_t>>{{8, 8}, {37, 50}, {33, 17}, {27, 100}, {64, 64}})
      EXPECT_LE(max_diff_to_module(*g, fast, h, w), 1e-4f)
          << "width " << width << " " << w << "x" << h;
  }
}

TEST(FastGenerator, MatchesModuleScaleFactorMultiplesOfFour) {
  for (double width : {0.5, 1.0}) {
    auto g = random_generator(false, width, 12);
    infer::FastGenerator fast(*g, at::kFloat);
    for (auto [h, w] : std::vector<std::pair<int64_t, int64_t>>{{8, 12}, {36, 44}, {20, 68}})
      EXPECT_LE(max_diff_to_module(*g, fast, h, w), 1e-4f)
          << "width " << width << " " << w << "x" << h;
  }
}

TEST(FastGenerator, ReferenceKernelsGiveTheSameResult) {
  auto g = random_generator(true, 0.25, 13);
  infer::FastGenerator fast(*g, at::kFloat);
  auto x = torch::rand({1, 3, 29, 42}) * 2 - 1;
  auto vectorized = fast.forward(x);
  infer::force_reference_kernels(true);
  auto plain = fast.forward(x);
  infer::force_reference_kernels(false);
  EXPECT_LE((vectorized - plain).abs().max().item<float>(), 1e-5f);
  if (!infer::fast_kernels_available(at::kFloat))
    GTEST_SKIP() << "this CPU lacks AVX-512: both runs used the reference kernels";
}

// The convolution choices `comicgan bench` compares: each is what it says it is, and all compute
// the same network.
TEST(FastGenerator, ConvolutionOptionsSelectThePathAndAgree) {
  auto g = random_generator(true, 0.5, 15);
  auto x = torch::rand({1, 3, 37, 50}) * 2 - 1;
  using Conv = infer::FastPathOptions::Conv;
  infer::FastGenerator standard(*g, at::kFloat);
  const at::Tensor expected = standard.forward(x);
  const bool dnnl = infer::PackedConv::available();
  EXPECT_STREQ(standard.conv_backend(), dnnl ? "dnnl" : "aten");
  // oneDNN 2.6 has Winograd for fp32 3x3 on AVX-512 only.
  if (dnnl && __builtin_cpu_supports("avx512f")) EXPECT_GT(standard.winograd_convolutions(), 0);

  infer::FastPathOptions aten;
  aten.conv = Conv::kAten;
  infer::FastGenerator on_aten(*g, at::kFloat, aten);
  EXPECT_STREQ(on_aten.conv_backend(), "aten");
  EXPECT_LE((on_aten.forward(x) - expected).abs().max().item<float>(), 1e-4f);
  EXPECT_EQ(on_aten.winograd_convolutions(), 0);

  infer::FastPathOptions direct;
  direct.winograd = false;
  infer::FastGenerator no_winograd(*g, at::kFloat, direct);
  EXPECT_STREQ(no_winograd.conv_backend(), dnnl ? "dnnl" : "aten");
  EXPECT_LE((no_winograd.forward(x) - expected).abs().max().item<float>(), 1e-4f);
  EXPECT_EQ(no_winograd.winograd_convolutions(), 0);

  // The stylizer passes its options down.
  infer::StylizerOptions options{"cpu", "fp32", "fast", 0, aten};
  infer::Stylizer stylizer(g, options);
  ASSERT_NE(stylizer.fast_generator(), nullptr);
  EXPECT_STREQ(stylizer.fast_generator()->conv_backend(), "aten");
}

TEST(FastGenerator, CountsFlopsAndNormalizations) {
  auto g = random_generator(true, 1.0, 14);
  infer::FastGenerator fast(*g, at::kFloat);
  EXPECT_EQ(fast.normalization_count(), 24);
  // 512x512 at full width: about 210 GFLOP (the figure the published model is known by).
  EXPECT_NEAR(fast.flops(512, 512) / 1e9, 210, 15);
}

TEST(FastGenerator, Bf16StaysCloseToFp32OnAPhotoLikePicture) {
  if (!infer::fast_kernels_available(at::kBFloat16)) GTEST_SKIP() << "no AVX512-BF16 on this CPU";
  auto g = random_generator(true, 0.5, 15);
  infer::Stylizer fp32(g, {"cpu", "fp32", "fast"}), bf16(g, {"cpu", "bf16", "fast"});
  Image photo = infer::synthetic_photo(96, 64, 3);
  double db = infer::psnr(fp32.stylize(photo), bf16.stylize(photo));
  // `comicgan bench` prints the figure for real sizes (goal >= 40 dB); CI checks it loosely.
  EXPECT_GE(db, 35.0);
  EXPECT_LT(db, 200.0);  // bf16 really ran: the outputs are not bit-identical
}

TEST(FastGenerator, PsnrOfKnownDifference) {
  Image a(4, 4, 3), b(4, 4, 3);
  b.pixels[0] = 16;  // one error of 16 in 48 values: MSE 256/48
  EXPECT_NEAR(infer::psnr(a, b), 10 * std::log10(255.0 * 255.0 * 48 / 256), 1e-9);
  EXPECT_TRUE(std::isinf(infer::psnr(a, a)));
}

TEST(FastGenerator, RepeatedCallsGiveTheSameResult) {
  // Blocks and primitives reused from earlier calls (of other sizes too) change nothing.
  auto g = random_generator(true, 0.5, 16);
  infer::FastGenerator fast(*g, at::kFloat);
  auto x = torch::rand({1, 3, 40, 52}) * 2 - 1, other = torch::rand({1, 3, 64, 24}) * 2 - 1;
  auto first = fast.forward(x).clone();
  fast.forward(other);
  auto again = fast.forward(x);
  EXPECT_TRUE(torch::equal(first, again));
  EXPECT_LE(max_diff_to_module(*g, fast, 40, 52), 1e-4f);
}

#if COMICGAN_WITH_DNNL
namespace {
// Counts the tensor memory LibTorch allocates on the CPU while installed.
class CountingAllocator : public c10::Allocator {
 public:
  CountingAllocator() : base_(c10::GetAllocator(c10::DeviceType::CPU)) {
    c10::SetAllocator(c10::DeviceType::CPU, this, /*priority=*/100);
  }
  ~CountingAllocator() override { c10::SetAllocator(c10::DeviceType::CPU, base_, 100); }
  c10::DataPtr allocate(size_t n) const override {
    if (n > 0) ++count;  // empty tensors take no memory
    return base_->allocate(n);
  }
  c10::DeleterFnPtr raw_deleter() const override { return base_->raw_deleter(); }
  mutable int64_t count = 0;

 private:
  c10::Allocator* base_;
};
}  // namespace

TEST(FastGenerator, SteadyStateAllocatesNothingButTheResult) {
  for (auto dtype : {at::kFloat, at::kBFloat16}) {
    if (!infer::fast_kernels_available(dtype)) continue;
    auto g = random_generator(true, 0.5, 17);
    infer::FastGenerator fast(*g, dtype);
    auto x = torch::rand({1, 3, 72, 56}) * 2 - 1;
    for (int i = 0; i < 3; ++i) fast.forward(x);  // first calls: blocks and primitives made
    int64_t during = 0;
    at::Tensor y;
    {
      CountingAllocator counting;
      for (int i = 0; i < 4; ++i) y = fast.forward(x);
      during = counting.count;
    }
    EXPECT_EQ(during, 4) << c10::toString(dtype) << ": 4 calls, one result tensor each";
    EXPECT_EQ(y.sizes(), x.sizes());
  }
}
#endif
