// Parity with the AnimeGANv2 PyTorch port: checkpoints saved by Python's torch.save (random
// weights, tests/fixtures/animegan2/make_fixtures.py) are imported through import_animegan2 and
// must reproduce the port's forward pass on inputs of awkward sizes, in both upsampling modes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/model_file.h"
#include "io/torch_checkpoint.h"
#include "models/model_store.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

constexpr double kTolerance = 1e-4;  // on the [-1,1] output, before quantization

std::string fixture(const std::string& name) {
  return std::string(COMICGAN_FIXTURES) + "/animegan2/" + name;
}

const io::NamedTensors& reference() {
  static const io::NamedTensors tensors = io::read_torch_checkpoint(fixture("reference.pt"));
  return tensors;
}

at::Tensor reference_tensor(const std::string& name) {
  for (const auto& [key, value] : reference())
    if (key == name) return value;
  throw std::runtime_error("reference.pt has no " + name);
}

models::LoadedModel import(const std::string& checkpoint, bool align_corners) {
  models::AnimeGAN2Import options;
  options.align_corners = align_corners;
  return models::load_model(models::import_animegan2(fixture(checkpoint), options), checkpoint);
}

double max_diff(const at::Tensor& a, const at::Tensor& b) {
  EXPECT_EQ(a.sizes(), b.sizes());
  return (a - b).abs().max().item<double>();
}

}  // namespace

TEST(AnimeGAN2Parity, ReducedModelMatchesThePortInBothModes) {
  torch::NoGradGuard no_grad;
  for (bool align : {true, false}) {
    auto model = import("small.pt", align);
    EXPECT_EQ(model.meta["options"]["width"].get<double>(), 0.25);
    for (const char* size : {"37x50", "64x64", "19x33"}) {
      at::Tensor expected =
          reference_tensor(std::string(align ? "small_align_" : "small_scale_") + size);
      at::Tensor got = model.generator->forward(reference_tensor(std::string("in_") + size));
      EXPECT_LE(max_diff(got, expected), kTolerance) << size << (align ? " align" : " scale");
    }
  }
}

TEST(AnimeGAN2Parity, FullSizeHalfPrecisionCheckpointHasThePortsKeysAndOutput) {
  torch::NoGradGuard no_grad;
  io::ModelFile file = models::import_animegan2(fixture("full_fp16.pt"), {});
  ASSERT_EQ(file.tensors.size(), 77u);
  EXPECT_EQ(file.tensors[0].first, "block_a.0.1.weight");
  EXPECT_EQ(file.tensors[0].second.scalar_type(), torch::kHalf);
  EXPECT_EQ(file.meta["options"]["width"].get<double>(), 1.0);
  auto model = models::load_model(file, "full_fp16.pt");
  int64_t params = 0;
  for (const auto& p : model.generator->parameters()) params += p.numel();
  EXPECT_EQ(params, 2143552);
  EXPECT_LE(max_diff(model.generator->forward(reference_tensor("in_19x33")),
                     reference_tensor("full_align_19x33")),
            kTolerance);
}

TEST(AnimeGAN2Parity, ModelFileRoundTripKeepsTheOutput) {
  torch::NoGradGuard no_grad;
  models::AnimeGAN2Import options;
  options.align_corners = false;
  options.name = "parity";
  const fs::path folder = comicgan_test::scratch_folder("parity");
  const fs::path path = folder / "parity.cgm";
  io::write_model_file(path.string(), models::import_animegan2(fixture("small.pt"), options));
  auto model = models::load_model(path.string());
  fs::remove_all(folder);
  EXPECT_EQ(model.meta["name"], "parity");
  EXPECT_EQ(model.meta["options"]["align_corners"], false);
  EXPECT_LE(max_diff(model.generator->forward(reference_tensor("in_37x50")),
                     reference_tensor("small_scale_37x50")),
            kTolerance);
}

TEST(AnimeGAN2Parity, CheckpointOfAnotherShapeNamesKeyAndBothShapes) {
  // The reduced checkpoint's first conv says width 0.25; give one later tensor another width.
  io::NamedTensors tensors = io::read_torch_checkpoint(fixture("small.pt"));
  for (auto& [name, t] : tensors)
    if (name == "block_b.0.1.weight") t = torch::zeros({64, 16, 3, 3});
  io::ModelFile file;
  file.tensors = tensors;
  file.meta = {{"architecture", "animegan2"}, {"options", {{"width", 0.25}}}};
  try {
    models::load_model(file, "bad.pt");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "bad.pt: block_b.0.1.weight: expected [32,16,3,3], found [64,16,3,3]"),
              std::string::npos)
        << e.what();
  }
}
