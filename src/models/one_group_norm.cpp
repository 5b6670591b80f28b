#include "models/one_group_norm.h"

#include <torch/torch.h>

namespace comicgan::models {

OneGroupNormImpl::OneGroupNormImpl(int64_t channels, double eps) : channels(channels), eps(eps) {
  reset();
}

void OneGroupNormImpl::reset() {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
}

at::Tensor OneGroupNormImpl::forward(const at::Tensor& x) {
  if (x.scalar_type() == at::kBFloat16 && !x.is_contiguous() &&
      x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    // Statistics and the affine map in fp32, in the input's layout; autograd derives the rest.
    auto x32 = x.to(at::kFloat);
    auto [var, mean] = torch::var_mean(x32, {1, 2, 3}, /*unbiased=*/false, /*keepdim=*/true);
    auto scale = torch::rsqrt(var + eps) * weight.to(at::kFloat).view({1, -1, 1, 1});
    auto shift = bias.to(at::kFloat).view({1, -1, 1, 1}) - mean * scale;
    return (x32 * scale + shift).to(at::kBFloat16);
  }
  return torch::group_norm(x, 1, weight, bias, eps);
}

}  // namespace comicgan::models
