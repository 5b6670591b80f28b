// The AnimeGANv2 generator exactly as the public PyTorch port defines it (same layers, same
// state_dict key names, e.g. block_c.1.layers.1.1.bias; 77 tensors, 2,143,552 parameters at
// width 1), plus lighter variants that scale every channel count by `width`.
#pragma once

#include <torch/nn/modules/container/sequential.h>

#include "models/generator.h"

namespace comicgan::models {

struct AnimeGAN2Options {
  // true: the torch.hub path, bilinear upsampling with align_corners=True to the recorded sizes;
  // false: the port's test.py, scale_factor=2 with align_corners=False.
  bool align_corners = true;
  double width = 1.0;  // channel multiplier; 1.0 is the published architecture

  static AnimeGAN2Options from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

// ReflectionPad(pad) -> Conv2d(no padding) -> GroupNorm(1 group) -> LeakyReLU(0.2), as
// children "0".."3" like the port's nn.Sequential subclass. pad is {left, right, top, bottom}.
class ConvNormLReLUImpl : public torch::nn::SequentialImpl {
 public:
  ConvNormLReLUImpl(int64_t in_ch, int64_t out_ch, int64_t kernel = 3, int64_t stride = 1,
                    std::array<int64_t, 4> pad = {1, 1, 1, 1}, int64_t groups = 1,
                    bool bias = false);
  at::Tensor forward(at::Tensor x) { return SequentialImpl::forward(std::move(x)); }
};
TORCH_MODULE(ConvNormLReLU);

class InvertedResBlockImpl : public torch::nn::Module {
 public:
  InvertedResBlockImpl(int64_t in_ch, int64_t out_ch, double expansion_ratio);
  at::Tensor forward(const at::Tensor& x);
  torch::nn::Sequential layers{nullptr};
  bool use_res_connect;
};
TORCH_MODULE(InvertedResBlock);

class AnimeGAN2Generator : public Generator {
 public:
  explicit AnimeGAN2Generator(const AnimeGAN2Options& options = {});
  at::Tensor forward(const at::Tensor& photo) override;
  int size_multiple() const override { return options_.align_corners ? 1 : 4; }
  nlohmann::json options() const override { return options_.to_json(); }
  const AnimeGAN2Options& config() const { return options_; }

  torch::nn::Sequential block_a{nullptr}, block_b{nullptr}, block_c{nullptr}, block_d{nullptr},
      block_e{nullptr}, out_layer{nullptr};

 private:
  AnimeGAN2Options options_;
};

void register_animegan2();

}  // namespace comicgan::models
