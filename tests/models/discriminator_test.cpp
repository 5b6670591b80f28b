// The AnimeGANv2 PatchGAN discriminator with spectral norm against PyTorch
// (torch.nn.utils.spectral_norm) on the same weights and input: fixtures/train/discriminator.json.
#include "models/discriminator.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "models/generator.h"
#include "models/spectral_norm_conv.h"
#include "train/json_tensors.h"

using namespace comicgan;
using comicgan::testing::json_tensor;
using comicgan::testing::max_abs_diff;

namespace {
std::shared_ptr<models::Discriminator> discriminator_from_fixture(const nlohmann::json& j) {
  auto d = models::make_discriminator("animegan2", j["options"]);
  io::NamedTensors state;
  for (auto& [name, value] : j["state"].items()) state.emplace_back(name, json_tensor(value));
  models::load_state_dict(*d, state, "discriminator.json");  // every key must match
  return d;
}
}  // namespace

TEST(Discriminator, TrainingForwardMatchesPyTorchSpectralNorm) {
  auto j = comicgan::testing::read_train_fixture("discriminator.json");
  auto d = discriminator_from_fixture(j);
  d->train();
  torch::NoGradGuard no_grad;
  auto y = d->forward(json_tensor(j["input"]));
  auto expected = json_tensor(j["train_output"]);
  ASSERT_EQ(y.sizes(), expected.sizes());
  EXPECT_LT(max_abs_diff(y, expected), 1e-4) << "max |y| " << expected.abs().max().item<float>();

  // The power iteration updated the u buffer as PyTorch did.
  at::Tensor u;
  for (auto& b : d->named_buffers())
    if (b.key() == "net.conv_s1_1.u") u = b.value();
  ASSERT_TRUE(u.defined());
  EXPECT_LT(max_abs_diff(u, json_tensor(j["u_after_conv_s1_1"])), 1e-5);

  // Eval mode reuses the stored vectors without iterating.
  d->eval();
  EXPECT_LT(max_abs_diff(d->forward(json_tensor(j["input"])), json_tensor(j["eval_output"])), 1e-4);
}

TEST(Discriminator, ReferenceSizeGivesQuarterResolutionPatchLogits) {
  auto d = models::make_discriminator("animegan2");
  EXPECT_EQ(d->options()["channels"], 64);
  torch::NoGradGuard no_grad;
  auto y = d->forward(torch::rand({2, 3, 64, 48}) * 2 - 1);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 1, 16, 12}));
  int64_t params = 0;
  for (auto& p : d->parameters()) params += p.numel();
  // 3x3 convs 3->32->64->128->128->256->256->1 without bias, three LayerNorms of 2C parameters.
  EXPECT_EQ(params, 9 * (3 * 32 + 32 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 256 * 256 + 256) +
                        2 * (128 + 256 + 256));
}

TEST(Discriminator, GradientsReachTheInputAndTheRawWeights) {
  auto d = models::make_discriminator("animegan2", {{"channels", 8}, {"layers", 2}});
  auto x = (torch::rand({1, 3, 16, 16}) * 2 - 1).requires_grad_(true);
  d->forward(x).square().mean().backward();
  EXPECT_TRUE(x.grad().defined());
  for (auto& p : d->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_TRUE(torch::isfinite(p.value().grad()).all().item<bool>()) << p.key();
  }
}

TEST(Discriminator, UnknownArchitectureAndBadOptionsAreRefused) {
  EXPECT_THROW(models::make_discriminator("stylegan"), Error);
  EXPECT_THROW(models::make_discriminator("animegan2", {{"channels", 7}}), Error);
  EXPECT_THROW(models::make_discriminator("animegan2", {{"layers", 0}}), Error);
}

// The convolutions pad inside oneDNN (no padded copy), cutting the extra outputs of the wider
// symmetric padding: equal to padding with zeros first, for even and odd sizes and both strides.
TEST(Discriminator, PaddingInsideTheConvolutionEqualsExplicitZeroPadding) {
  torch::manual_seed(9);
  for (int64_t stride : {1, 2}) {
    for (int64_t size : {8, 9}) {
      models::SpectralNormConvOptions o;
      o.in_channels = 4;
      o.out_channels = 6;
      o.stride = stride;
      o.pad = stride == 1 ? std::array<int64_t, 4>{1, 1, 1, 1} : std::array<int64_t, 4>{1, 0, 1, 0};
      o.spectral_norm = false;
      models::SpectralNormConv2d conv(o);
      auto x = torch::randn({2, 4, size, size + 1}).requires_grad_();
      auto y = conv->forward(x);
      auto x2 = x.detach().clone().requires_grad_();
      auto padded = torch::nn::functional::pad(
          x2,
          torch::nn::functional::PadFuncOptions(std::vector<int64_t>(o.pad.begin(), o.pad.end())));
      auto expected = torch::conv2d(padded, conv->weight, {}, stride);
      ASSERT_EQ(y.sizes(), expected.sizes()) << "stride " << stride << " size " << size;
      EXPECT_LT(max_abs_diff(y, expected), 1e-5);
      auto w = torch::randn(y.sizes());
      (y * w).sum().backward();
      (expected * w).sum().backward();
      EXPECT_LT(max_abs_diff(x.grad(), x2.grad()), 1e-5);
    }
  }
}
