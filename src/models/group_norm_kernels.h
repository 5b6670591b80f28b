// The loops of one-group GroupNorm's forward and backward passes, in fp32 or bf16 storage with
// fp32 arithmetic: `plane_*` on one channel of one NCHW sample (contiguous elements of one
// channel), `pixels_*` on a run of NHWC (channels_last) pixels of C channels each. Used by
// OneGroupNorm in training, where LibTorch 1.13's bf16 NCHW kernel is slow (68 ms for a
// 4x64x256x256 forward, measured). Each has a scalar reference that the tests compare it with and
// that runs on CPUs without AVX-512.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>

namespace comicgan::models::gn_kernels {

struct Sums {
  double first = 0, second = 0;
};

// {sum(x - shift), sum((x - shift)^2)} over n elements.
Sums plane_moments(const void* x, at::ScalarType dtype, int64_t n, float shift);
// y = x * a + b.
void plane_affine(const void* x, at::ScalarType dtype, int64_t n, float a, float b, void* y);
// {sum(dy), sum(dy * (x - mean))}.
Sums plane_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float mean);
// dx = a * dy + b * (x - mean) + e.
void plane_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float a,
                      float b, float e, float mean, void* dx);

// y[p][c] = x[p][c] * scale[c] + shift[c] for `pixels` pixels of C channels.
void pixels_affine(const void* x, at::ScalarType dtype, int64_t pixels, int64_t C,
                   const float* scale, const float* shift, void* y);
// sum_dy[c] += sum_p dy[p][c]; sum_dyx[c] += sum_p dy[p][c] * (x[p][c] - mean).
void pixels_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                      int64_t C, float mean, double* sum_dy, double* sum_dyx);
// dx[p][c] = a[c] * dy[p][c] + b * (x[p][c] - mean) + e.
void pixels_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                       int64_t C, const float* a, float b, float e, float mean, void* dx);

// Tests: run the scalar references even where AVX-512 is available.
void force_reference(bool on);

namespace reference {
Sums plane_moments(const void* x, at::ScalarType dtype, int64_t n, float shift);
void plane_affine(const void* x, at::ScalarType dtype, int64_t n, float a, float b, void* y);
Sums plane_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float mean);
void plane_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float a,
                      float b, float e, float mean, void* dx);
void pixels_affine(const void* x, at::ScalarType dtype, int64_t pixels, int64_t C,
                   const float* scale, const float* shift, void* y);
void pixels_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                      int64_t C, float mean, double* sum_dy, double* sum_dyx);
void pixels_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                       int64_t C, const float* a, float b, float e, float mean, void* dx);
}  // namespace reference

}  // namespace comicgan::models::gn_kernels
