// A 2-D convolution whose weight is divided by its largest singular value, estimated by one step
// of power iteration per training-mode forward (Miyato et al. 2018), as
// torch.nn.utils.spectral_norm does. LibTorch's C++ API has no spectral_norm, so this module
// keeps the raw weight as the parameter "weight" and the power-iteration vectors as the buffers
// "u" (out_channels) and "v" (in_channels*k*k): they are state, saved and restored with
// checkpoints, so a resumed run continues the same estimate.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace comicgan::models {

struct SpectralNormConvOptions {
  int64_t in_channels = 0, out_channels = 0, kernel = 3, stride = 1;
  std::array<int64_t, 4> pad = {0, 0, 0, 0};  // zero padding {left, right, top, bottom}
  bool bias = false;
  bool spectral_norm = true;  // false: a plain convolution (u and v are then not created)
  double eps = 1e-12;         // as torch.nn.utils.spectral_norm
};

class SpectralNormConv2dImpl : public torch::nn::Module {
 public:
  explicit SpectralNormConv2dImpl(const SpectralNormConvOptions& options);
  at::Tensor forward(const at::Tensor& x);
  // The weight actually convolved with: weight / sigma (updating u and v when training).
  at::Tensor normalized_weight();

  at::Tensor weight, bias, u, v;

 private:
  SpectralNormConvOptions options_;
};
TORCH_MODULE(SpectralNormConv2d);

}  // namespace comicgan::models
