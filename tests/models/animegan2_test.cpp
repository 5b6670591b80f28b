#include "models/animegan2.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "models/generator.h"

using namespace comicgan;

TEST(AnimeGAN2, HasThePortsKeysAndParameterCount) {
  auto g = models::make_generator("animegan2");
  auto sd = models::state_dict(*g);
  EXPECT_EQ(sd.size(), 77u);
  int64_t params = 0;
  for (auto& p : g->parameters()) params += p.numel();
  EXPECT_EQ(params, 2143552);
  bool found = false;
  for (auto& [name, t] : sd) found |= name == "block_c.1.layers.1.1.bias";
  EXPECT_TRUE(found);
}

TEST(AnimeGAN2, OutputHasInputSizeWithAlignCorners) {
  torch::NoGradGuard no_grad;
  auto g = models::make_generator("animegan2-lite");
  auto y = g->forward(torch::rand({1, 3, 37, 50}) * 2 - 1);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 3, 37, 50}));
  EXPECT_LE(y.abs().max().item<float>(), 1.0f);
}

TEST(AnimeGAN2, LoadStateDictNamesShapeMismatch) {
  auto g = models::make_generator("animegan2");
  auto sd = models::state_dict(*g);
  for (auto& [name, t] : sd)
    if (name == "block_a.0.1.weight") t = torch::zeros({32, 3, 3, 3});
  try {
    models::load_state_dict(*g, sd, "x.pt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(
        std::string(e.what()).find("block_a.0.1.weight: expected [32,3,7,7], found [32,3,3,3]"),
        std::string::npos)
        << e.what();
  }
}

TEST(AnimeGAN2, LoadStateDictNamesMissingAndUnexpectedKeys) {
  auto g = models::make_generator("animegan2");
  auto sd = models::state_dict(*g);
  sd.erase(sd.begin());
  sd.emplace_back("extra.weight", torch::zeros({1}));
  try {
    models::load_state_dict(*g, sd, "x.pt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("1 missing keys: block_a.0.1.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1 unexpected keys: extra.weight"), std::string::npos) << msg;
  }
}
