// Every AnimeGANv2 loss against PyTorch on the same tensors (fixtures/train/losses.json).
#include "train/losses.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "train/json_tensors.h"

using namespace comicgan;
using comicgan::testing::json_tensor;
using comicgan::testing::max_abs_diff;

namespace {
const nlohmann::json& fixture() {
  static nlohmann::json j = comicgan::testing::read_train_fixture("losses.json");
  return j;
}
at::Tensor logits(const char* name) { return json_tensor(fixture()["logits"][name]); }
at::Tensor features(const char* name) { return json_tensor(fixture()["features"][name]); }
double value(const at::Tensor& t) { return t.item<double>(); }
}  // namespace

TEST(TrainLosses, AdversarialLossesMatchPyTorchForEveryKind) {
  for (const char* kind : {"lsgan", "bce", "hinge"}) {
    SCOPED_TRACE(kind);
    const auto& ref = fixture()["gan"][kind];
    auto gan = train::parse_gan_loss(kind);
    auto d = train::discriminator_loss(gan, logits("real"), logits("fake"), logits("gray"),
                                       logits("smooth"));
    EXPECT_NEAR(value(d.real), ref["d_real"].get<double>(), 1e-5);
    EXPECT_NEAR(value(d.fake), ref["d_fake"].get<double>(), 1e-5);
    EXPECT_NEAR(value(d.gray), ref["d_gray"].get<double>(), 1e-5);
    EXPECT_NEAR(value(d.smooth), ref["d_smooth"].get<double>(), 1e-5);
    EXPECT_NEAR(value(d.total), ref["d_total"].get<double>(), 1e-4);
    EXPECT_NEAR(value(train::generator_adversarial_loss(gan, logits("fake"))),
                ref["g_adv"].get<double>(), 1e-5);
  }
}

TEST(TrainLosses, DiscriminatorWeightsScaleTheirTerms) {
  train::DiscriminatorWeights w{2.0, 0.0, 0.0, 0.5};
  auto d = train::discriminator_loss(train::GanLoss::lsgan, logits("real"), logits("fake"),
                                     logits("gray"), logits("smooth"), w);
  EXPECT_NEAR(value(d.total), 2.0 * value(d.real) + 0.5 * value(d.smooth), 1e-5);
}

TEST(TrainLosses, PhotoTermJudgesPhotosAsNotTheStyle) {
  train::DiscriminatorWeights w;
  w.photo = 0.75;
  auto photos = logits("fake") * 0.5 + 0.25;
  auto without = train::discriminator_loss(train::GanLoss::lsgan, logits("real"), logits("fake"),
                                           logits("gray"), logits("smooth"), w);
  EXPECT_EQ(value(without.photo), 0.0);
  for (const char* kind : {"lsgan", "bce", "hinge"}) {
    SCOPED_TRACE(kind);
    auto gan = train::parse_gan_loss(kind);
    auto d = train::discriminator_loss(gan, logits("real"), logits("fake"), logits("gray"),
                                       logits("smooth"), w, photos);
    // The photo term is the fake term's formula ("not the style") on the photos' logits.
    auto as_fake =
        train::discriminator_loss(gan, logits("real"), photos, logits("gray"), logits("smooth"));
    EXPECT_NEAR(value(d.photo), value(as_fake.fake), 1e-6);
    auto plain = train::discriminator_loss(gan, logits("real"), logits("fake"), logits("gray"),
                                           logits("smooth"), w);
    EXPECT_NEAR(value(d.total), value(plain.total) + 0.75 * value(d.photo), 1e-5);
  }
  // LSGAN by hand: mean of the squared logits.
  auto lsgan = train::discriminator_loss(train::GanLoss::lsgan, logits("real"), logits("fake"),
                                         logits("gray"), logits("smooth"), w, photos);
  EXPECT_NEAR(value(lsgan.photo), photos.square().mean().item<double>(), 1e-6);
}

TEST(TrainLosses, ContentStyleAndGramMatchPyTorch) {
  EXPECT_NEAR(value(train::content_loss(features("photo"), features("fake"))),
              fixture()["content"].get<double>(), 1e-5);
  auto g = train::gram(features("fake"));
  EXPECT_LT(max_abs_diff(g, json_tensor(fixture()["gram_fake"])), 1e-5);
  EXPECT_NEAR(value(train::style_loss(features("style"), features("fake"))),
              fixture()["style"].get<double>(), 1e-5);
}

TEST(TrainLosses, ColourLossMatchesPyTorchYuvL1Huber) {
  auto photo = json_tensor(fixture()["photo"]);
  auto fake = json_tensor(fixture()["fake"]);
  EXPECT_LT(max_abs_diff(train::rgb_to_yuv(photo), json_tensor(fixture()["yuv_photo"])), 1e-5);
  EXPECT_NEAR(value(train::color_loss(photo, fake)), fixture()["color"].get<double>(), 1e-5);
  EXPECT_NEAR(value(train::color_loss(photo, photo)), 0.0, 1e-7);
}

TEST(TrainLosses, TotalVariationMatchesPyTorch) {
  auto fake = json_tensor(fixture()["fake"]);
  EXPECT_NEAR(value(train::total_variation_loss(fake)), fixture()["tv_fake"].get<double>(), 1e-5);
  EXPECT_EQ(value(train::total_variation_loss(torch::full({1, 3, 5, 5}, 0.3))), 0.0);
}

TEST(TrainLosses, UnknownGanLossIsRefusedWithTheKnownNames) {
  try {
    train::parse_gan_loss("wgan");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lsgan, bce, hinge"), std::string::npos);
  }
}
