// Reflection padding that also takes bf16 (LibTorch 1.13's reflection_pad2d refuses it), so the
// generator and the perceptual net can train in bf16. fp32 tensors use LibTorch's own kernel.
#pragma once

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace comicgan::models {

// pad = {left, right, top, bottom}, each smaller than the padded side, as torch's F.pad.
at::Tensor reflection_pad(const at::Tensor& x, const std::array<int64_t, 4>& pad);

struct ReflectionPadImpl : torch::nn::Cloneable<ReflectionPadImpl> {
  explicit ReflectionPadImpl(std::array<int64_t, 4> pad) : padding(pad) {}
  void reset() override {}
  at::Tensor forward(const at::Tensor& x) { return reflection_pad(x, padding); }
  std::array<int64_t, 4> padding;
};
TORCH_MODULE(ReflectionPad);

}  // namespace comicgan::models
