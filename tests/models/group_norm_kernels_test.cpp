// The GroupNorm loops of models/group_norm_kernels.h: the AVX-512 versions against the scalar
// references, on lengths and channel counts around the 16-lane vector width.
#include "models/group_norm_kernels.h"
#include "models/avx512_lanes.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>

namespace k = comicgan::models::gn_kernels;

namespace {

// Runs `f` once with the vectorized kernels and once with the references.
template <typename F>
void both(F f) {
  k::force_reference(false);
  f(false);
  k::force_reference(true);
  f(true);
  k::force_reference(false);
}

// Largest difference in units of the dtype's precision at the scale of the largest value (a
// fused multiply-add and two roundings differ by about one unit of the terms, not of a result
// that cancels to near zero).
double ulps(const at::Tensor& a, const at::Tensor& b) {
  const double eps = a.scalar_type() == at::kBFloat16 ? 1.0 / 128 : 1.0 / (1 << 23);
  auto fa = a.to(at::kDouble), fb = b.to(at::kDouble);
  const double scale = std::max(fb.abs().max().item<double>(), 1e-30);
  return (fa - fb).abs().max().item<double>() / scale / eps;
}

// Without AVX-512 (AVX512-BF16 for bf16) the vectorized loops are the references: the comparison
// cannot fail, and the test says so and counts as skipped (after running).
void skip_if_no_avx512() {
  if (!comicgan::avx512::cpu_supported(true))
    GTEST_SKIP() << "this CPU lacks "
                 << (comicgan::avx512::cpu_supported(false) ? "AVX512-BF16 (bf16)" : "AVX-512")
                 << ": the vectorized loops ran the references, so they were compared with "
                    "themselves";
}

}  // namespace

TEST(GroupNormKernels, PlaneLoopsEqualTheReferences) {
  torch::manual_seed(21);
  for (auto dtype : {at::kFloat, at::kBFloat16}) {
    for (int64_t n : {1, 15, 16, 17, 1000, 4099}) {
      SCOPED_TRACE(std::string(c10::toString(dtype)) + " n=" + std::to_string(n));
      auto x = (torch::randn({n}) * 2 + 3).to(dtype), dy = torch::randn({n}).to(dtype);
      k::Sums moments[2], grads[2];
      at::Tensor affine[2], input_grad[2];
      both([&](bool ref) {
        moments[ref] = k::plane_moments(x.data_ptr(), dtype, n, 2.5f);
        grads[ref] = k::plane_grad_sums(dy.data_ptr(), x.data_ptr(), dtype, n, 3.1f);
        affine[ref] = torch::empty_like(x);
        k::plane_affine(x.data_ptr(), dtype, n, 0.7f, -0.3f, affine[ref].data_ptr());
        input_grad[ref] = torch::empty_like(x);
        k::plane_grad_input(dy.data_ptr(), x.data_ptr(), dtype, n, 1.3f, -0.02f, 0.05f, 3.1f,
                            input_grad[ref].data_ptr());
      });
      // Sums: fp32 partial sums flushed into doubles, against double accumulation.
      EXPECT_NEAR(moments[0].first, moments[1].first, 1e-5 * n + 1e-6);
      EXPECT_NEAR(moments[0].second, moments[1].second, 1e-6 * moments[1].second + 1e-6);
      EXPECT_NEAR(grads[0].first, grads[1].first, 1e-5 * n + 1e-6);
      EXPECT_NEAR(grads[0].second, grads[1].second, 1e-5 * n + 1e-6);
      // Elementwise: fused multiply-add vs separate rounding, at most one unit either way.
      EXPECT_LE(ulps(affine[0], affine[1]), 1.01);
      EXPECT_LE(ulps(input_grad[0], input_grad[1]), dtype == at::kBFloat16 ? 1.01 : 4.0);
      // And the sums are the right ones.
      auto xd = x.to(at::kDouble);
      EXPECT_NEAR(moments[1].first, (xd - 2.5).sum().item<double>(), 1e-6 * n);
      EXPECT_NEAR(grads[1].second, (dy.to(at::kDouble) * (xd - 3.1)).sum().item<double>(),
                  1e-5 * n);
    }
  }
  skip_if_no_avx512();
}

TEST(GroupNormKernels, PixelLoopsEqualTheReferences) {
  torch::manual_seed(22);
  for (auto dtype : {at::kFloat, at::kBFloat16}) {
    for (int64_t C : {1, 3, 16, 24, 64}) {
      for (int64_t pixels : {1, 63, 64, 65, 200}) {
        SCOPED_TRACE(std::string(c10::toString(dtype)) + " C=" + std::to_string(C) +
                     " pixels=" + std::to_string(pixels));
        auto x = (torch::randn({pixels, C}) + 1).to(dtype),
             dy = torch::randn({pixels, C}).to(dtype);
        auto scale = torch::rand({C}) + 0.5, shift = torch::randn({C}), a = torch::randn({C});
        at::Tensor affine[2], input_grad[2], sum_dy[2], sum_dyx[2];
        both([&](bool ref) {
          affine[ref] = torch::empty_like(x);
          k::pixels_affine(x.data_ptr(), dtype, pixels, C, scale.data_ptr<float>(),
                           shift.data_ptr<float>(), affine[ref].data_ptr());
          sum_dy[ref] = torch::full({C}, 0.5, at::kDouble);  // the loops add to what is there
          sum_dyx[ref] = torch::zeros({C}, at::kDouble);
          k::pixels_grad_sums(dy.data_ptr(), x.data_ptr(), dtype, pixels, C, 0.9f,
                              sum_dy[ref].data_ptr<double>(), sum_dyx[ref].data_ptr<double>());
          input_grad[ref] = torch::empty_like(x);
          k::pixels_grad_input(dy.data_ptr(), x.data_ptr(), dtype, pixels, C, a.data_ptr<float>(),
                               -0.1f, 0.02f, 0.9f, input_grad[ref].data_ptr());
        });
        EXPECT_LE(ulps(affine[0], affine[1]), 1.01);
        EXPECT_LE(ulps(input_grad[0], input_grad[1]), dtype == at::kBFloat16 ? 1.01 : 4.0);
        EXPECT_LT((sum_dy[0] - sum_dy[1]).abs().max().item<double>(), 1e-4);
        EXPECT_LT((sum_dyx[0] - sum_dyx[1]).abs().max().item<double>(), 1e-4);
        auto expected = 0.5 + dy.to(at::kDouble).sum(0);
        EXPECT_LT((sum_dy[1] - expected).abs().max().item<double>(), 1e-9);
      }
    }
  }
  skip_if_no_avx512();
}
