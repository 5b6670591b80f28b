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
  for (std::array<int64_t, 4> pad : {std::array<int64_t, 4>{1, 1, 1, 1}, {0, 1, 0, 1},
                                     {3, 3, 3, 3}, {2, 0, 0, 5}, {0, 0, 0, 0}, {8, 8, 6, 6}}) {
    auto expected = torch::nn::functional::pad(
        x.to(torch::kFloat),
        torch::nn::functional::PadFuncOptions({pad[0], pad[1], pad[2], pad[3]}).mode(torch::kReflect));
    auto got = reflection_pad(x, pad);
    EXPECT_EQ(got.scalar_type(), torch::kBFloat16);
    ASSERT_EQ(got.sizes(), expected.sizes()) << pad[0] << pad[1] << pad[2] << pad[3];
    EXPECT_TRUE(torch::equal(got.to(torch::kFloat), expected)) << pad[0] << pad[1] << pad[2] << pad[3];
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
