// Discriminators: networks that judge whether an image in [-1,1] (N,3,H,W) looks like the target
// style, returning a map of patch logits (N,1,h,w). Training uses one; `comicgan eval` loads the
// one saved beside a trained model (RUN_DIR/discriminator.cgm, meta "kind": "discriminator").
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace comicgan::models {

class Discriminator : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& image) = 0;
  virtual nlohmann::json options() const = 0;
};

// The AnimeGANv2 PatchGAN discriminator (net/discriminator.py of the TensorFlow reference):
// conv 3x3 (ch/2) + LeakyReLU, then `layers - 1` times [conv stride 2 + LeakyReLU, conv +
// LayerNorm + LeakyReLU] doubling channels, a last conv + LayerNorm + LeakyReLU and a 1-channel
// conv. No biases, zero padding (stride-2 convs pad top/left only, like TensorFlow 'SAME'),
// spectral norm on every conv, weights drawn from N(0, 0.02).
struct PatchDiscriminatorOptions {
  int64_t channels = 64;  // the reference's `ch`
  int64_t layers = 3;     // the reference's `n_dis`
  bool spectral_norm = true;

  static PatchDiscriminatorOptions from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

class PatchDiscriminator : public Discriminator {
 public:
  explicit PatchDiscriminator(const PatchDiscriminatorOptions& options = {});
  at::Tensor forward(const at::Tensor& image) override;
  nlohmann::json options() const override { return options_.to_json(); }

 private:
  PatchDiscriminatorOptions options_;
  torch::nn::Sequential net_{nullptr};  // named children: conv_0, conv_s2_1, norm_1, ..., logit
};

// "animegan2" is the only architecture so far; unknown names fail listing the known ones.
std::shared_ptr<Discriminator> make_discriminator(
    const std::string& architecture, const nlohmann::json& options = nlohmann::json::object());
std::vector<std::string> discriminator_architectures();

}  // namespace comicgan::models
