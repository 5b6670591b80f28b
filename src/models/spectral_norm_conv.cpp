#include "models/spectral_norm_conv.h"

#include <torch/torch.h>

#include "comicgan/error.h"

namespace comicgan::models {
namespace F = torch::nn::functional;

namespace {
at::Tensor normalized(const at::Tensor& x, double eps) {
  return F::normalize(x, F::NormalizeFuncOptions().dim(0).eps(eps));
}
}  // namespace

SpectralNormConv2dImpl::SpectralNormConv2dImpl(const SpectralNormConvOptions& options)
    : options_(options) {
  check(options.in_channels > 0 && options.out_channels > 0 && options.kernel > 0 &&
            options.stride > 0,
        "spectral-norm conv: channels, kernel and stride must be positive");
  // The reference (AnimeGANv2's ops.conv) draws weights from N(0, 0.02).
  weight = register_parameter("weight", torch::randn({options.out_channels, options.in_channels,
                                                      options.kernel, options.kernel}) *
                                            0.02);
  if (options.bias) bias = register_parameter("bias", torch::zeros({options.out_channels}));
  if (options.spectral_norm) {
    const int64_t cols = options.in_channels * options.kernel * options.kernel;
    u = register_buffer("u", normalized(torch::randn({options.out_channels}), options.eps));
    v = register_buffer("v", normalized(torch::randn({cols}), options.eps));
  }
}

at::Tensor SpectralNormConv2dImpl::normalized_weight() {
  if (!options_.spectral_norm) return weight;
  // The power iteration and sigma run in fp32 also when the layer trains in bf16.
  auto w = weight.reshape({weight.size(0), -1}).to(at::kFloat);
  at::Tensor u_now = u.to(at::kFloat), v_now = v.to(at::kFloat);
  if (is_training()) {
    torch::NoGradGuard no_grad;
    v_now = normalized(torch::mv(w.t(), u_now), options_.eps);
    u_now = normalized(torch::mv(w, v_now), options_.eps);
    u.copy_(u_now);
    v.copy_(v_now);
    // Clones: the buffers change in place on the next forward, after autograd saved these.
    u_now = u_now.clone();
    v_now = v_now.clone();
  }
  auto sigma = torch::dot(u_now, torch::mv(w, v_now));
  return weight / sigma.to(weight.scalar_type());
}

at::Tensor SpectralNormConv2dImpl::forward(const at::Tensor& x) {
  const auto& p = options_.pad;  // {left, right, top, bottom}
  const int64_t k = options_.kernel, s = options_.stride;
  auto options = F::Conv2dFuncOptions().stride(s).bias(bias);
  if (p[0] < p[1] || p[2] < p[3]) {
    auto padded = F::pad(x, F::PadFuncOptions({p[0], p[1], p[2], p[3]}));
    return F::conv2d(padded, normalized_weight(), options);
  }
  // Zero padding inside the convolution (no padded copy): `left` and `top` on both sides, then
  // the outputs that only the wider right/bottom padding produced are cut off.
  auto y = F::conv2d(x, normalized_weight(), options.padding(std::vector<int64_t>{p[2], p[0]}));
  const int64_t h = (x.size(2) + p[2] + p[3] - k) / s + 1,
                w = (x.size(3) + p[0] + p[1] - k) / s + 1;
  if (y.size(2) != h) y = y.narrow(2, 0, h);
  if (y.size(3) != w) y = y.narrow(3, 0, w);
  return y;
}

}  // namespace comicgan::models
