// The FID Inception network against pytorch-fid's forward pass, on a small random net of the
// same topology (tests/fixtures/eval/make_inception.py), and FID/KID on its features against
// NumPy.
#include "eval/fid_inception.h"

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <algorithm>

#include "comicgan/error.h"
#include "eval/feature_distance.h"
#include "eval/reference.h"
#include "test_paths.h"

using namespace comicgan;

namespace {
std::string small_net() { return std::string(COMICGAN_FIXTURES) + "/eval/inception_small.pt"; }
}  // namespace

TEST(EvalFidInception, FeaturesFidAndKidMatchThePythonReference) {
  auto ref = eval_test::load_reference("inception_reference.pt");
  auto net = eval::FidInception::load(small_net());
  EXPECT_EQ(net.feature_dim(), 128);
  auto fa = net.features(ref.at("pictures_a").to(torch::kFloat) / 255).to(torch::kDouble);
  auto fb = net.features(ref.at("pictures_b").to(torch::kFloat) / 255).to(torch::kDouble);
  ASSERT_EQ(fa.sizes(), ref.at("features_a").sizes());
  double scale = ref.at("features_a").abs().max().item<double>();
  EXPECT_LT((fa - ref.at("features_a")).abs().max().item<double>(), 1e-4 * scale);
  EXPECT_LT((fb - ref.at("features_b")).abs().max().item<double>(), 1e-4 * scale);
  // The distances from comicgan's own features, against NumPy's from PyTorch's features.
  double fid = eval::frechet_distance(fa, fb), kid = eval::polynomial_mmd_unbiased(fa, fb);
  EXPECT_NEAR(fid, eval_test::scalar(ref, "fid"), 2e-3 * eval_test::scalar(ref, "fid"));
  EXPECT_NEAR(kid, eval_test::scalar(ref, "kid"), 2e-3 * eval_test::scalar(ref, "kid"));
}

TEST(EvalFidInception, NamesTheMissingTensor) {
  auto tensors = io::read_torch_checkpoint(small_net());
  tensors.erase(std::remove_if(
                    tensors.begin(), tensors.end(),
                    [](const auto& t) { return t.first == "Mixed_6c.branch7x7_2.bn.running_var"; }),
                tensors.end());
  try {
    eval::FidInception net(tensors, "cut.pt");
    FAIL() << "loaded a state_dict with a tensor missing";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Mixed_6c.branch7x7_2.bn.running_var"), std::string::npos)
        << e.what();
  }
}
