// The channels_last helpers of the bf16 training step (train/channels_last.h).
#include "train/channels_last.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

using namespace comicgan;

TEST(ChannelsLast, GradientComesBackChannelsLastWhateverTheLossProduces) {
  auto x = torch::randn({2, 3, 6, 5}).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_();
  // The gradient reaching a network's last layer (`z`), with and without the helper, from a loss
  // over slices, whose gradient is built as an NCHW tensor.
  auto gradient_into_z = [&](bool helper) {
    auto z = x * 2;  // channels_last, like a convolution's output
    at::Tensor seen;
    z.register_hook([&](const at::Tensor& g) { seen = g; });
    auto y = helper ? train::channels_last_gradient(z) : z;
    EXPECT_TRUE(torch::equal(y, z));
    (y.narrow(2, 1, 4) - y.narrow(2, 0, 4)).square().sum().backward();
    return seen;
  };
  auto without = gradient_into_z(false), with = gradient_into_z(true);
  EXPECT_FALSE(without.is_contiguous(at::MemoryFormat::ChannelsLast))
      << "the case the helper is for";
  EXPECT_TRUE(with.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_TRUE(torch::equal(with, without));
}

TEST(ChannelsLast, NetworksGetBf16ChannelsLastConvolutionWeights) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 8, 3)),
                            torch::nn::GroupNorm(torch::nn::GroupNormOptions(1, 8)));
  train::to_bf16_channels_last(*net);
  for (auto& p : net->named_parameters()) {
    EXPECT_EQ(p.value().scalar_type(), torch::kBFloat16) << p.key();
    if (p.value().dim() == 4)
      EXPECT_TRUE(p.value().is_contiguous(at::MemoryFormat::ChannelsLast)) << p.key();
  }
  // Copying fp32 weights in keeps the layout.
  auto w = net->named_parameters()["0.weight"];
  torch::NoGradGuard no_grad;
  w.copy_(torch::randn({8, 3, 3, 3}));
  EXPECT_TRUE(w.is_contiguous(at::MemoryFormat::ChannelsLast));
}
