// GroupNorm with one group (statistics over C,H,W per sample, a scale and shift per channel):
// AnimeGANv2's norm layer in the generator and discriminator. Same parameters as
// torch::nn::GroupNorm(1, channels); in bf16 channels_last it computes the statistics and the
// affine map in fp32 from composed ops, because 1.13's channels_last kernel sums in bf16 (mean
// error ~3 on a 4x32x128x128 input, measured); elsewhere LibTorch's own kernel.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

namespace comicgan::models {

struct OneGroupNormImpl : torch::nn::Cloneable<OneGroupNormImpl> {
  explicit OneGroupNormImpl(int64_t channels, double eps = 1e-5);
  void reset() override;
  at::Tensor forward(const at::Tensor& x);

  int64_t channels;
  double eps;
  at::Tensor weight, bias;
};
TORCH_MODULE(OneGroupNorm);

}  // namespace comicgan::models
