#include "infer/stylizer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "models/animegan2.h"

using namespace comicgan;

namespace {

std::shared_ptr<models::Generator> small_generator(bool align_corners) {
  torch::manual_seed(3);
  return models::make_generator("animegan2", {{"width", 0.125}, {"align_corners", align_corners}});
}

Image noise_image(int w, int h, int c, uint32_t seed) {
  Image img(w, h, c);
  for (auto& p : img.pixels) p = uint8_t((seed = seed * 1664525u + 1013904223u) >> 24);
  return img;
}

}  // namespace

TEST(Stylizer, OutputSizeEqualsInputSizeForAwkwardSizesInBothModes) {
  for (bool align : {true, false}) {
    infer::Stylizer stylizer(small_generator(align));
    for (auto [w, h] :
         std::vector<std::pair<int, int>>{{1, 1}, {3, 2}, {37, 50}, {33, 17}, {64, 64}}) {
      Image out = stylizer.stylize(noise_image(w, h, 3, 7), 1.0f);
      EXPECT_EQ(out.width, w);
      EXPECT_EQ(out.height, h);
      EXPECT_EQ(out.channels, 3);
    }
  }
}

TEST(Stylizer, PaddedForwardEqualsModuleOnMultiplesOfFour) {
  // For sizes the generator already handles, the stylizer adds nothing of its own: exactly the
  // module with the reference engine, the module to 1e-4 with the fast one (the default on CPU).
  auto g = small_generator(false);
  infer::Stylizer reference(g, {"cpu", "fp32", "reference"});
  infer::Stylizer fast(g);
  EXPECT_EQ(reference.engine(), "reference");
  EXPECT_EQ(fast.engine(), "fast");
  auto x = torch::rand({2, 3, 36, 44}) * 2 - 1;
  torch::NoGradGuard no_grad;
  auto expected = g->forward(x);
  EXPECT_TRUE(torch::allclose(reference.forward(x), expected, 0, 0));
  EXPECT_LE((fast.forward(x) - expected).abs().max().item<float>(), 1e-4f);
}

TEST(Stylizer, PostProcessingRoundsLikeTheReference) {
  auto g = small_generator(true);
  infer::Stylizer stylizer(g);
  Image in = noise_image(21, 13, 3, 11);
  Image out = stylizer.stylize(in, 1.0f);
  at::Tensor y = stylizer.forward(infer::image_to_tensor(in));
  at::Tensor expected =
      ((y + 1) * 127.5).clamp(0, 255).round().to(torch::kByte)[0].permute({1, 2, 0}).contiguous();
  at::Tensor got = torch::from_blob(out.pixels.data(), {13, 21, 3}, torch::kByte);
  EXPECT_TRUE(torch::equal(expected, got));
}

TEST(Stylizer, StrengthZeroIsIdentityAndAlphaIsCarried) {
  infer::Stylizer stylizer(small_generator(true));
  Image in = noise_image(19, 23, 4, 5);
  Image out = stylizer.stylize(in, 0.0f);
  EXPECT_EQ(out.pixels, in.pixels);
  Image styled = stylizer.stylize(in, 1.0f);
  for (size_t i = 3; i < in.pixels.size(); i += 4) ASSERT_EQ(styled.pixels[i], in.pixels[i]);
}

TEST(Stylizer, HalfStrengthIsBetween) {
  infer::Stylizer stylizer(small_generator(true));
  Image in = noise_image(16, 16, 3, 9);
  Image full = stylizer.stylize(in, 1.0f), half = stylizer.stylize(in, 0.5f);
  for (size_t i = 0; i < in.pixels.size(); ++i) {
    float expected = 0.5f * full.pixels[i] + 0.5f * in.pixels[i];
    ASSERT_NEAR(half.pixels[i], expected, 1.0f) << i;
  }
}

TEST(Stylizer, RejectsBadArguments) {
  EXPECT_THROW(infer::Stylizer(small_generator(true), {"tpu", "fp32"}), Error);
  EXPECT_THROW(infer::Stylizer(small_generator(true), {"cpu", "int4"}), Error);
  EXPECT_THROW(infer::Stylizer(small_generator(true), {"cpu", "fp32", "turbo"}), Error);
  infer::Stylizer stylizer(small_generator(true));
  EXPECT_THROW(stylizer.stylize(noise_image(4, 4, 3, 1), 1.5f), Error);
}

// A bad option is an OptionError that names the library's option and says what is wrong, in
// words that do not assume a command line.
TEST(Stylizer, BadOptionsAreOptionErrorsInTheLibrarysWords) {
  auto g = models::make_generator("animegan2", {{"width", 0.125}});
  auto refused = [&](infer::StylizerOptions options) -> OptionError {
    try {
      infer::Stylizer stylizer(g, options);
    } catch (const OptionError& e) {
      return e;
    }
    ADD_FAILURE() << "accepted";
    return OptionError("", "");
  };
  OptionError device = refused({"gpu"});
  EXPECT_EQ(device.option(), "device");
  EXPECT_STREQ(device.what(), "device must be cpu or cuda[:N], found 'gpu'");
  EXPECT_EQ(refused({"cpu", "fp8"}).option(), "precision");
  EXPECT_EQ(refused({"cpu", "fp32", "turbo"}).option(), "engine");
  OptionError memory = refused({"cpu", "fp32", "auto", -1});
  EXPECT_EQ(memory.option(), "max_memory");
  EXPECT_EQ(memory.problem(), "must be >= 0, found -1");
  for (const auto& e : {device, memory})
    EXPECT_EQ(std::string(e.what()).find("--"), std::string::npos) << e.what();
}
