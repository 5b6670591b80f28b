// GroupNorm with one group (statistics over C,H,W per sample, a scale and shift per channel):
// AnimeGANv2's norm layer in the generator and discriminator. Same parameters as
// torch::nn::GroupNorm(1, channels). bf16 on the CPU, NCHW or channels_last: comicgan's own
// forward and backward (group_norm_kernels.h; fp32 arithmetic), because LibTorch 1.13's bf16
// kernels are slow in NCHW (0.6 s of a 256x256 batch-4 training step) and sum in bf16 in
// channels_last (mean error ~3 on a 4x32x128x128 input, measured). Everything else: LibTorch's.
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
