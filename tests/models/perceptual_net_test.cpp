// The perceptual networks against PyTorch: the shipped VGG19-relu3_1 and a tiny random
// torchvision-shaped VGG19 read through the checkpoint reader (fixtures/train/).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "models/vgg.h"
#include "test_paths.h"
#include "train/json_tensors.h"

using namespace comicgan;
using comicgan::testing::json_tensor;
using comicgan::testing::max_abs_diff;

TEST(PerceptualNet, ShippedVggRelu31MatchesPyTorch) {
  auto j = comicgan::testing::read_train_fixture("vgg_relu3_1.json");
  auto net = models::default_perceptual_net();
  torch::NoGradGuard no_grad;
  auto y = net->forward(json_tensor(j["input"]));
  auto expected = json_tensor(j["features"]);
  ASSERT_EQ(y.sizes(), expected.sizes());
  EXPECT_LT(max_abs_diff(y, expected), 1e-3 * (1 + expected.abs().max().item<double>()));
  for (auto& p : net->parameters()) EXPECT_FALSE(p.requires_grad());
}

TEST(PerceptualNet, TorchvisionVgg19GivesConv44BeforeReluLikePyTorch) {
  auto j = comicgan::testing::read_train_fixture("tiny_vgg19.json");
  auto net = models::load_perceptual_net(std::string(COMICGAN_FIXTURES) + "/train/tiny_vgg19.pt");
  EXPECT_NE(net->description().find("conv4_4"), std::string::npos);
  torch::NoGradGuard no_grad;
  auto y = net->forward(json_tensor(j["input"]));
  auto expected = json_tensor(j["features"]);
  ASSERT_EQ(y.sizes(), expected.sizes());
  EXPECT_LT(max_abs_diff(y, expected), 1e-4);
  EXPECT_LT(expected.min().item<float>(), 0.0f) << "pre-ReLU features should have negatives";
}

TEST(PerceptualNet, GradientsFlowToTheImage) {
  auto net = models::default_perceptual_net();
  auto x = (torch::rand({1, 3, 16, 16}) * 2 - 1).requires_grad_(true);
  net->forward(x).mean().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<float>(), 0.0f);
}

TEST(PerceptualNet, AStateDictThatIsNoVggIsRefused) {
  io::NamedTensors state = {{"conv.weight", torch::zeros({1, 3, 3, 3})}};
  EXPECT_THROW(models::perceptual_net_from_state(state, "x.pt"), Error);
  io::NamedTensors wrong = {{"conv1.weight", torch::zeros({3, 3, 1, 1})},
                            {"conv1.bias", torch::zeros({3})},
                            {"conv6.weight", torch::zeros({8, 8, 3, 3})}};
  EXPECT_THROW(models::perceptual_net_from_state(wrong, "x.pt"), Error);
}

// Without autograd the 2x2 max pooling is computed from elementwise maxima; with it, LibTorch's
// pooling kernel. Both give the same features, on odd sizes too, fp32 and bf16, both layouts.
TEST(PerceptualNet, PoolingWithoutAutogradGivesTheSameFeatures) {
  auto net = models::default_perceptual_net();
  auto x = torch::rand({2, 3, 21, 19}) * 2 - 1;
  for (auto dtype : {torch::kFloat, torch::kBFloat16}) {
    for (auto layout : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
      net->to(dtype);
      auto input = x.to(dtype).contiguous(layout);
      at::Tensor without;
      {
        torch::NoGradGuard no_grad;
        without = net->forward(input);
      }
      auto with = net->forward(input.clone().requires_grad_());
      ASSERT_TRUE(with.requires_grad());
      EXPECT_TRUE(torch::equal(without, with.detach()))
          << c10::toString(dtype)
          << (layout == at::MemoryFormat::ChannelsLast ? " channels_last" : "");
    }
  }
}
