// Scalar versions of the GroupNorm plane loops: the specification of the vectorized ones.
#include <c10/util/BFloat16.h>

#include "models/group_norm_kernels.h"

namespace comicgan::models::gn_kernels::reference {
namespace {

float get(const void* p, at::ScalarType dtype, int64_t i) {
  if (dtype == at::kBFloat16) return float(static_cast<const c10::BFloat16*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

void put(void* p, at::ScalarType dtype, int64_t i, float v) {
  if (dtype == at::kBFloat16)
    static_cast<c10::BFloat16*>(p)[i] = c10::BFloat16(v);
  else
    static_cast<float*>(p)[i] = v;
}

}  // namespace

Sums plane_moments(const void* x, at::ScalarType dtype, int64_t n, float shift) {
  Sums s;
  for (int64_t i = 0; i < n; ++i) {
    double v = double(get(x, dtype, i)) - shift;
    s.first += v;
    s.second += v * v;
  }
  return s;
}

void plane_affine(const void* x, at::ScalarType dtype, int64_t n, float a, float b, void* y) {
  for (int64_t i = 0; i < n; ++i) put(y, dtype, i, get(x, dtype, i) * a + b);
}

Sums plane_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float mean) {
  Sums s;
  for (int64_t i = 0; i < n; ++i) {
    double g = get(dy, dtype, i);
    s.first += g;
    s.second += g * (double(get(x, dtype, i)) - mean);
  }
  return s;
}

void plane_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float a,
                      float b, float e, float mean, void* dx) {
  for (int64_t i = 0; i < n; ++i)
    put(dx, dtype, i, a * get(dy, dtype, i) + b * (get(x, dtype, i) - mean) + e);
}

void pixels_affine(const void* x, at::ScalarType dtype, int64_t pixels, int64_t C,
                   const float* scale, const float* shift, void* y) {
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < C; ++c)
      put(y, dtype, p * C + c, get(x, dtype, p * C + c) * scale[c] + shift[c]);
}

void pixels_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                      int64_t C, float mean, double* sum_dy, double* sum_dyx) {
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < C; ++c) {
      double g = get(dy, dtype, p * C + c);
      sum_dy[c] += g;
      sum_dyx[c] += g * (double(get(x, dtype, p * C + c)) - mean);
    }
}

void pixels_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                       int64_t C, const float* a, float b, float e, float mean, void* dx) {
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < C; ++c) {
      int64_t i = p * C + c;
      put(dx, dtype, i, a[c] * get(dy, dtype, i) + b * (get(x, dtype, i) - mean) + e);
    }
}

}  // namespace comicgan::models::gn_kernels::reference
