// Layers that take bf16 where LibTorch 1.13 does not (reflection padding) or errs (GroupNorm in
// channels_last): checked against LibTorch's fp32 kernels.
#include "models/one_group_norm.h"
#include "models/reflection_pad.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"

using comicgan::models::reflection_pad;

TEST(ReflectionPad, Bf16EqualsLibTorchsFp32Kernel) {
  torch::manual_seed(4);
  // bf16 values survive the round trip to fp32 exactly, so the two must be equal.
  auto x = torch::randn({2, 3, 7, 9}).to(torch::kBFloat16);
  for (std::array<int64_t, 4> pad : {std::array<int64_t, 4>{1, 1, 1, 1},
                                     {0, 1, 0, 1},
                                     {3, 3, 3, 3},
                                     {2, 0, 0, 5},
                                     {0, 0, 0, 0},
                                     {8, 8, 6, 6}}) {
    auto expected = torch::nn::functional::pad(
        x.to(torch::kFloat), torch::nn::functional::PadFuncOptions({pad[0], pad[1], pad[2], pad[3]})
                                 .mode(torch::kReflect));
    auto got = reflection_pad(x, pad);
    EXPECT_EQ(got.scalar_type(), torch::kBFloat16);
    ASSERT_EQ(got.sizes(), expected.sizes()) << pad[0] << pad[1] << pad[2] << pad[3];
    EXPECT_TRUE(torch::equal(got.to(torch::kFloat), expected))
        << pad[0] << pad[1] << pad[2] << pad[3];
    EXPECT_TRUE(torch::equal(reflection_pad(x.to(torch::kFloat), pad), expected));
  }
}

TEST(ReflectionPad, Bf16GradientEqualsFp32Gradient) {
  torch::manual_seed(5);
  auto x32 = torch::randn({1, 2, 5, 6}).to(torch::kBFloat16).to(torch::kFloat).requires_grad_();
  auto x16 = x32.detach().to(torch::kBFloat16).requires_grad_();
  auto w = torch::randn({1, 2, 9, 10}).to(torch::kBFloat16);
  (reflection_pad(x32, {2, 2, 2, 2}) * w.to(torch::kFloat)).sum().backward();
  (reflection_pad(x16, {2, 2, 2, 2}) * w).sum().backward();
  EXPECT_LT((x16.grad().to(torch::kFloat) - x32.grad()).abs().max().item<float>(),
            0.02 * x32.grad().abs().max().item<float>());
}

TEST(ReflectionPad, RefusesPaddingAsLargeAsTheSide) {
  auto x = torch::zeros({1, 1, 4, 4}).to(torch::kBFloat16);
  EXPECT_THROW(reflection_pad(x, {4, 0, 0, 0}), comicgan::Error);
  EXPECT_THROW(reflection_pad(x.to(torch::kFloat), {0, 0, 0, 4}), comicgan::Error);
}

// OneGroupNorm (models/one_group_norm.h) in bf16 channels_last, where LibTorch 1.13's own kernel
// sums in bf16, stays as close to the fp32 result as the NCHW bf16 kernel does.
TEST(OneGroupNorm, Bf16ChannelsLastIsAsAccurateAsNchw) {
  torch::manual_seed(6);
  comicgan::models::OneGroupNorm norm(16);
  {
    torch::NoGradGuard no_grad;
    norm->weight.copy_(torch::rand({16}) + 0.5);
    norm->bias.copy_(torch::randn({16}));
  }
  auto norm16 = std::dynamic_pointer_cast<comicgan::models::OneGroupNormImpl>(norm->clone());
  norm16->to(torch::kBFloat16);
  auto x = (torch::randn({2, 16, 64, 64}) * 0.5 + 1.5).to(torch::kBFloat16);
  auto expected = norm->forward(x.to(torch::kFloat));
  auto error = [&](const at::Tensor& input) {
    auto y = norm16->forward(input);
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    return (y.to(torch::kFloat) - expected).abs().max().item<float>();
  };
  const float nchw = error(x);
  const float channels_last = error(x.contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_LT(nchw, 0.1f);  // outputs reach ~5, where a bf16 step is 0.03
  EXPECT_LT(channels_last, 0.1f) << "LibTorch 1.13's channels_last bf16 kernel errs by ~3 here";
  // Gradients agree with fp32's too.
  auto x32 = x.to(torch::kFloat).requires_grad_();
  auto xcl = x.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_();
  auto w = torch::randn({2, 16, 64, 64});
  (norm->forward(x32) * w).sum().backward();
  (norm16->forward(xcl).to(torch::kFloat) * w).sum().backward();
  EXPECT_LT((xcl.grad().to(torch::kFloat) - x32.grad()).abs().max().item<float>(),
            0.05f * x32.grad().abs().max().item<float>());
}

// comicgan's own bf16 GroupNorm (NCHW and channels_last) against LibTorch's fp32 kernel on the
// same values: output, and the gradients of input, weight and bias. The input sits far from zero
// (mean 6, std 0.5): the statistics must not cancel.
TEST(OneGroupNorm, Bf16ForwardAndBackwardMatchFp32InBothLayouts) {
  torch::manual_seed(7);
  const int64_t C = 24;
  auto weight = torch::rand({C}) + 0.5, bias = torch::randn({C});
  auto x = (torch::randn({3, C, 9, 11}) * 0.5 + 6).to(torch::kBFloat16);
  auto dy = torch::randn({3, C, 9, 11}).to(torch::kBFloat16);

  auto x32 = x.to(torch::kFloat).requires_grad_();
  auto w32 = weight.clone().requires_grad_(), b32 = bias.clone().requires_grad_();
  auto expected = torch::group_norm(x32, 1, w32, b32, 1e-5);
  (expected * dy.to(torch::kFloat)).sum().backward();

  for (auto layout : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
    SCOPED_TRACE(layout == at::MemoryFormat::Contiguous ? "NCHW" : "channels_last");
    comicgan::models::OneGroupNorm norm(C);
    {
      torch::NoGradGuard no_grad;
      norm->weight.copy_(weight);
      norm->bias.copy_(bias);
    }
    norm->to(torch::kBFloat16);
    auto input = x.contiguous(layout).detach().requires_grad_();
    auto y = norm->forward(input);
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    EXPECT_TRUE(y.is_contiguous(layout));
    EXPECT_LT((y.to(torch::kFloat) - expected).abs().max().item<float>(), 0.04f);  // |y| <= ~5
    (y * dy.contiguous(layout)).sum().backward();
    EXPECT_TRUE(input.grad().is_contiguous(layout));
    auto rel = [](const at::Tensor& got, const at::Tensor& want) {
      return ((got.to(torch::kFloat) - want).abs().max() / want.abs().max()).item<float>();
    };
    EXPECT_LT(rel(input.grad(), x32.grad()), 0.02f);
    EXPECT_LT(rel(norm->weight.grad(), w32.grad()), 0.02f);
    EXPECT_LT(rel(norm->bias.grad(), b32.grad()), 0.02f);
  }
}

TEST(ReflectionPad, Bf16ChannelsLastKeepsItsLayoutAndMatchesFp32) {
  torch::manual_seed(8);
  auto x = torch::randn({2, 5, 7, 9}).to(torch::kBFloat16);
  const std::array<int64_t, 4> pad = {3, 2, 1, 3};
  auto x32 = x.to(torch::kFloat).requires_grad_();
  auto expected = reflection_pad(x32, pad);
  auto w = torch::randn(expected.sizes()).to(torch::kBFloat16);
  (expected * w.to(torch::kFloat)).sum().backward();

  auto xcl = x.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_();
  auto got = reflection_pad(xcl, pad);
  EXPECT_TRUE(got.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torch::equal(got.to(torch::kFloat), expected.detach()));
  (got * w.contiguous(at::MemoryFormat::ChannelsLast)).sum().backward();
  EXPECT_TRUE(xcl.grad().is_contiguous(at::MemoryFormat::ChannelsLast));
  // Up to four border gradients fold onto one pixel, summed in bf16.
  EXPECT_LT((xcl.grad().to(torch::kFloat) - x32.grad()).abs().max().item<float>(),
            0.02f * x32.grad().abs().max().item<float>());
}
