#include "models/one_group_norm.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/group_norm_kernels.h"

namespace comicgan::models {
namespace {
namespace k = gn_kernels;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// A contiguous NCHW or channels_last tensor's samples cut into contiguous pieces for the kernels:
// NCHW, one piece per channel (a plane); channels_last, runs of up to 1024 pixels.
struct Pieces {
  explicit Pieces(const at::Tensor& x)
      : N(x.size(0)),
        C(x.size(1)),
        HW(x.size(2) * x.size(3)),
        nhwc(!x.is_contiguous()),
        per_sample(nhwc ? (HW + kPixels - 1) / kPixels : C),
        elem(int64_t(x.element_size())) {}
  static constexpr int64_t kPixels = 1024;
  int64_t N, C, HW;
  bool nhwc;
  int64_t per_sample, elem;
  int64_t count() const { return N * per_sample; }
  int64_t sample(int64_t p) const { return p / per_sample; }
  int64_t channel(int64_t p) const { return p % per_sample; }  // NCHW only
  int64_t pixels(int64_t p) const {                            // channels_last only
    return std::min(kPixels, HW - (p % per_sample) * kPixels);
  }
  int64_t elements(int64_t p) const { return nhwc ? pixels(p) * C : HW; }
  int64_t offset(int64_t p) const {  // in elements
    return sample(p) * C * HW + (p % per_sample) * (nhwc ? kPixels * C : HW);
  }
  const char* at(const at::Tensor& t, int64_t p) const {
    return static_cast<const char*>(t.data_ptr()) + offset(p) * elem;
  }
  char* at(at::Tensor& t, int64_t p) const {
    return static_cast<char*>(t.data_ptr()) + offset(p) * elem;
  }
};

// Per sample: mean and 1/sqrt(var + eps), from each piece's shifted moments merged with Chan's
// formula (exact in double, no cancellation for large means).
void sample_moments(const at::Tensor& x, const Pieces& pc, double eps, float* mean, float* rstd) {
  const auto dtype = x.scalar_type();
  std::vector<double> piece_mean(size_t(pc.count())), piece_m2(size_t(pc.count()));
  at::parallel_for(0, pc.count(), 1, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      const char* src = pc.at(x, p);
      const int64_t n = pc.elements(p), probe = std::min<int64_t>(n, 16);
      const float shift = float(k::plane_moments(src, dtype, probe, 0.0f).first / double(probe));
      const k::Sums s = k::plane_moments(src, dtype, n, shift);
      piece_mean[size_t(p)] = shift + s.first / double(n);
      piece_m2[size_t(p)] = std::max(s.second - s.first * s.first / double(n), 0.0);
    }
  });
  const double total = double(pc.C * pc.HW);
  for (int64_t n = 0; n < pc.N; ++n) {
    double m = 0, m2 = 0;
    for (int64_t p = n * pc.per_sample; p < (n + 1) * pc.per_sample; ++p)
      m += piece_mean[size_t(p)] * double(pc.elements(p));
    m /= total;
    for (int64_t p = n * pc.per_sample; p < (n + 1) * pc.per_sample; ++p) {
      const double d = piece_mean[size_t(p)] - m;
      m2 += piece_m2[size_t(p)] + double(pc.elements(p)) * d * d;
    }
    mean[n] = float(m);
    rstd[n] = float(1.0 / std::sqrt(m2 / total + eps));
  }
}

// GroupNorm(1 group) on a contiguous NCHW or channels_last tensor with the kernels of
// group_norm_kernels.h: fp32 arithmetic, the input's storage type and layout. Its backward is
// the closed form of the normalization's gradient:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = gamma * dy,  xhat = (x - mean) * rstd.
struct OneGroupNormFunction : torch::autograd::Function<OneGroupNormFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            const at::Tensor& bias, double eps) {
    const Pieces pc(x);
    const int64_t N = pc.N, C = pc.C;
    const auto dtype = x.scalar_type();
    auto gamma = weight.to(at::kFloat).contiguous(), beta = bias.to(at::kFloat).contiguous();
    auto mean = at::empty({N}, x.options().dtype(at::kFloat)), rstd = at::empty_like(mean);
    float *mu = mean.data_ptr<float>(), *rs = rstd.data_ptr<float>();
    sample_moments(x, pc, eps, mu, rs);
    // y = x * scale + shift, per sample and channel.
    std::vector<float> scale(size_t(N * C)), shift(size_t(N * C));
    const float *g = gamma.data_ptr<float>(), *b = beta.data_ptr<float>();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c) {
        scale[size_t(n * C + c)] = g[c] * rs[n];
        shift[size_t(n * C + c)] = b[c] - mu[n] * g[c] * rs[n];
      }
    auto y = at::empty_like(x);
    at::parallel_for(0, pc.count(), 1, [&](int64_t p0, int64_t p1) {
      for (int64_t p = p0; p < p1; ++p) {
        const int64_t n = pc.sample(p);
        if (pc.nhwc)
          k::pixels_affine(pc.at(x, p), dtype, pc.pixels(p), C, &scale[size_t(n * C)],
                           &shift[size_t(n * C)], pc.at(y, p));
        else
          k::plane_affine(pc.at(x, p), dtype, pc.HW, scale[size_t(n * C + pc.channel(p))],
                          shift[size_t(n * C + pc.channel(p))], pc.at(y, p));
      }
    });
    ctx->save_for_backward({x, weight, mean, rstd});
    return y;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &mean = saved[2], &rstd = saved[3];
    const auto dtype = x.scalar_type();
    const Pieces pc(x);
    const int64_t N = pc.N, C = pc.C;
    auto dy = grads[0].to(dtype).contiguous(x.suggest_memory_format());
    auto gamma = weight.to(at::kFloat).contiguous();
    const float *g = gamma.data_ptr<float>(), *mu = mean.data_ptr<float>(),
                *rs = rstd.data_ptr<float>();
    // sum(dy) and sum(dy * (x - mean)) per sample and channel.
    std::vector<double> sum_dy(size_t(N * C), 0.0), sum_dyx(size_t(N * C), 0.0);
    if (pc.nhwc) {
      std::vector<double> part(size_t(pc.count() * C * 2), 0.0);
      at::parallel_for(0, pc.count(), 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p)
          k::pixels_grad_sums(pc.at(dy, p), pc.at(x, p), dtype, pc.pixels(p), C, mu[pc.sample(p)],
                              &part[size_t(p * C * 2)], &part[size_t(p * C * 2 + C)]);
      });
      for (int64_t p = 0; p < pc.count(); ++p)
        for (int64_t c = 0; c < C; ++c) {
          sum_dy[size_t(pc.sample(p) * C + c)] += part[size_t(p * C * 2 + c)];
          sum_dyx[size_t(pc.sample(p) * C + c)] += part[size_t(p * C * 2 + C + c)];
        }
    } else {
      at::parallel_for(0, pc.count(), 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
          k::Sums s = k::plane_grad_sums(pc.at(dy, p), pc.at(x, p), dtype, pc.HW, mu[pc.sample(p)]);
          sum_dy[size_t(p)] = s.first;  // NCHW: piece p is sample p / C, channel p % C
          sum_dyx[size_t(p)] = s.second;
        }
      });
    }
    std::vector<double> dgamma(static_cast<size_t>(C), 0.0), dbeta(static_cast<size_t>(C), 0.0);
    std::vector<float> a(size_t(N * C)), coef_b(static_cast<size_t>(N)),
        coef_e(static_cast<size_t>(N));
    const double M = double(C * pc.HW);
    for (int64_t n = 0; n < N; ++n) {
      double mean_g = 0, mean_gx = 0;  // mean of g and of g * xhat over the sample
      for (int64_t c = 0; c < C; ++c) {
        const size_t i = size_t(n * C + c);
        mean_g += g[c] * sum_dy[i];
        mean_gx += g[c] * sum_dyx[i] * rs[n];
        dgamma[size_t(c)] += sum_dyx[i] * rs[n];
        dbeta[size_t(c)] += sum_dy[i];
        a[i] = g[c] * rs[n];
      }
      coef_b[size_t(n)] = float(-double(rs[n]) * rs[n] * mean_gx / M);
      coef_e[size_t(n)] = float(-double(rs[n]) * mean_g / M);
    }
    at::Tensor dx;
    if (ctx->needs_input_grad(0)) {
      dx = at::empty_like(x);
      at::parallel_for(0, pc.count(), 1, [&](int64_t p0, int64_t p1) {
        for (int64_t p = p0; p < p1; ++p) {
          const int64_t n = pc.sample(p);
          if (pc.nhwc)
            k::pixels_grad_input(pc.at(dy, p), pc.at(x, p), dtype, pc.pixels(p), C,
                                 &a[size_t(n * C)], coef_b[size_t(n)], coef_e[size_t(n)], mu[n],
                                 pc.at(dx, p));
          else
            k::plane_grad_input(pc.at(dy, p), pc.at(x, p), dtype, pc.HW, a[size_t(p)],
                                coef_b[size_t(n)], coef_e[size_t(n)], mu[n], pc.at(dx, p));
        }
      });
    }
    auto to_tensor = [&](const std::vector<double>& v) {
      auto t = at::empty({C}, at::kDouble);
      std::copy(v.begin(), v.end(), t.data_ptr<double>());
      return t.to(weight.scalar_type());
    };
    return {dx, to_tensor(dgamma), to_tensor(dbeta), at::Tensor()};
  }
};

}  // namespace

OneGroupNormImpl::OneGroupNormImpl(int64_t channels, double eps) : channels(channels), eps(eps) {
  reset();
}

void OneGroupNormImpl::reset() {
  weight = register_parameter("weight", torch::ones({channels}));
  bias = register_parameter("bias", torch::zeros({channels}));
}

at::Tensor OneGroupNormImpl::forward(const at::Tensor& x) {
  const bool dense = x.is_contiguous() || x.is_contiguous(at::MemoryFormat::ChannelsLast);
  if (x.scalar_type() == at::kBFloat16 && x.dim() == 4 && dense && x.device().is_cpu() &&
      x.numel() > 0)
    return OneGroupNormFunction::apply(x, weight, bias, eps);
  return torch::group_norm(x, 1, weight, bias, eps);
}

}  // namespace comicgan::models
