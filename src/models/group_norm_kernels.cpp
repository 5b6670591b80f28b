// The GroupNorm plane loops, vectorized with AVX-512 (chosen at run time; the references in
// group_norm_kernels_reference.cpp run elsewhere). fp32 vector sums are flushed into doubles
// every 64 vectors, as infer/fused_kernels.cpp's moments do.
#include "models/group_norm_kernels.h"

#include <algorithm>
#include <atomic>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define COMICGAN_AVX512 1
#include "models/avx512_lanes.h"
#endif

namespace comicgan::models::gn_kernels {
namespace {

std::atomic<bool> g_force_reference{false};

#ifdef COMICGAN_AVX512
COMICGAN_AVX512_BEGIN
using avx512::load;
using avx512::store;
using avx512::tail_mask;
using avx512::widen_sum;

// Sums f(i) over 16-lane blocks, each block giving two vectors (first, second).
template <typename Block>
Sums sum_blocks(int64_t n, Block block) {
  __m512d first_d = _mm512_setzero_pd(), second_d = _mm512_setzero_pd();
  for (int64_t i = 0; i < n;) {
    __m512 first = _mm512_setzero_ps(), second = _mm512_setzero_ps();
    for (int k = 0; k < 64 && i < n; ++k, i += 16) block(i, tail_mask(n - i), first, second);
    first_d = _mm512_add_pd(first_d, widen_sum(first));
    second_d = _mm512_add_pd(second_d, widen_sum(second));
  }
  return {_mm512_reduce_add_pd(first_d), _mm512_reduce_add_pd(second_d)};
}

template <typename T>
Sums moments_avx512(const T* x, int64_t n, float shift) {
  const __m512 s = _mm512_set1_ps(shift);
  return sum_blocks(n, [&](int64_t i, __mmask16 m, __m512& first, __m512& second) {
    __m512 v = _mm512_maskz_sub_ps(m, load(x + i, m), s);
    first = _mm512_add_ps(first, v);
    second = _mm512_fmadd_ps(v, v, second);
  });
}

template <typename T>
void affine_avx512(const T* x, int64_t n, float a, float b, T* y) {
  const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b);
  for (int64_t i = 0; i < n; i += 16) {
    __mmask16 m = tail_mask(n - i);
    store(y + i, _mm512_fmadd_ps(load(x + i, m), va, vb), m);
  }
}

template <typename T>
Sums grad_sums_avx512(const T* dy, const T* x, int64_t n, float mean) {
  const __m512 mu = _mm512_set1_ps(mean);
  return sum_blocks(n, [&](int64_t i, __mmask16 m, __m512& first, __m512& second) {
    __m512 g = load(dy + i, m);
    first = _mm512_add_ps(first, g);
    second = _mm512_fmadd_ps(g, _mm512_maskz_sub_ps(m, load(x + i, m), mu), second);
  });
}

template <typename T>
void grad_input_avx512(const T* dy, const T* x, int64_t n, float a, float b, float e, float mean,
                       T* dx) {
  const __m512 va = _mm512_set1_ps(a), vb = _mm512_set1_ps(b), ve = _mm512_set1_ps(e),
               mu = _mm512_set1_ps(mean);
  for (int64_t i = 0; i < n; i += 16) {
    __mmask16 m = tail_mask(n - i);
    __m512 centred = _mm512_sub_ps(load(x + i, m), mu);
    store(dx + i, _mm512_fmadd_ps(va, load(dy + i, m), _mm512_fmadd_ps(vb, centred, ve)), m);
  }
}

template <typename T>
void pixels_affine_avx512(const T* x, int64_t pixels, int64_t C, const float* scale,
                          const float* shift, T* y) {
  for (int64_t p = 0; p < pixels; ++p, x += C, y += C)
    for (int64_t c = 0; c < C; c += 16) {
      __mmask16 m = tail_mask(C - c);
      store(y + c, _mm512_fmadd_ps(load(x + c, m), load(scale + c, m), load(shift + c, m)), m);
    }
}

// Pixels in groups of 64 (a group of 512 bf16 channels is 64 KB): fp32 sums over a group, one
// 16-channel block at a time, flushed into the double totals.
template <typename T>
void pixels_grad_sums_avx512(const T* dy, const T* x, int64_t pixels, int64_t C, float mean,
                             double* sum_dy, double* sum_dyx) {
  const __m512 mu = _mm512_set1_ps(mean);
  for (int64_t p0 = 0; p0 < pixels; p0 += 64) {
    const int64_t p1 = std::min<int64_t>(pixels, p0 + 64);
    for (int64_t c = 0; c < C; c += 16) {
      __mmask16 m = tail_mask(C - c);
      __m512 first = _mm512_setzero_ps(), second = _mm512_setzero_ps();
      for (int64_t p = p0; p < p1; ++p) {
        __m512 g = load(dy + p * C + c, m);
        first = _mm512_add_ps(first, g);
        second = _mm512_fmadd_ps(g, _mm512_maskz_sub_ps(m, load(x + p * C + c, m), mu), second);
      }
      alignas(64) float f[16], s[16];
      _mm512_store_ps(f, first);
      _mm512_store_ps(s, second);
      for (int64_t k = 0; k < 16 && c + k < C; ++k) {
        sum_dy[c + k] += f[k];
        sum_dyx[c + k] += s[k];
      }
    }
  }
}

template <typename T>
void pixels_grad_input_avx512(const T* dy, const T* x, int64_t pixels, int64_t C, const float* a,
                              float b, float e, float mean, T* dx) {
  const __m512 vb = _mm512_set1_ps(b), ve = _mm512_set1_ps(e), mu = _mm512_set1_ps(mean);
  for (int64_t p = 0; p < pixels; ++p, dy += C, x += C, dx += C)
    for (int64_t c = 0; c < C; c += 16) {
      __mmask16 m = tail_mask(C - c);
      __m512 centred = _mm512_sub_ps(load(x + c, m), mu);
      store(dx + c,
            _mm512_fmadd_ps(load(a + c, m), load(dy + c, m), _mm512_fmadd_ps(vb, centred, ve)), m);
    }
}

COMICGAN_AVX512_END

bool use_avx512(at::ScalarType dtype) {
  return !g_force_reference.load() && avx512::cpu_supported(dtype == at::kBFloat16);
}
#endif  // COMICGAN_AVX512

template <typename T>
const T* as(const void* p) {
  return static_cast<const T*>(p);
}
template <typename T>
T* as(void* p) {
  return static_cast<T*>(p);
}

}  // namespace

void force_reference(bool on) { g_force_reference = on; }

Sums plane_moments(const void* x, at::ScalarType dtype, int64_t n, float shift) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype))
    return dtype == at::kBFloat16 ? moments_avx512(as<uint16_t>(x), n, shift)
                                  : moments_avx512(as<float>(x), n, shift);
#endif
  return reference::plane_moments(x, dtype, n, shift);
}

void plane_affine(const void* x, at::ScalarType dtype, int64_t n, float a, float b, void* y) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype)) {
    if (dtype == at::kBFloat16)
      affine_avx512(as<uint16_t>(x), n, a, b, as<uint16_t>(y));
    else
      affine_avx512(as<float>(x), n, a, b, as<float>(y));
    return;
  }
#endif
  reference::plane_affine(x, dtype, n, a, b, y);
}

Sums plane_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float mean) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype))
    return dtype == at::kBFloat16 ? grad_sums_avx512(as<uint16_t>(dy), as<uint16_t>(x), n, mean)
                                  : grad_sums_avx512(as<float>(dy), as<float>(x), n, mean);
#endif
  return reference::plane_grad_sums(dy, x, dtype, n, mean);
}

void plane_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t n, float a,
                      float b, float e, float mean, void* dx) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype)) {
    if (dtype == at::kBFloat16)
      grad_input_avx512(as<uint16_t>(dy), as<uint16_t>(x), n, a, b, e, mean, as<uint16_t>(dx));
    else
      grad_input_avx512(as<float>(dy), as<float>(x), n, a, b, e, mean, as<float>(dx));
    return;
  }
#endif
  reference::plane_grad_input(dy, x, dtype, n, a, b, e, mean, dx);
}

void pixels_affine(const void* x, at::ScalarType dtype, int64_t pixels, int64_t C,
                   const float* scale, const float* shift, void* y) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype)) {
    if (dtype == at::kBFloat16)
      pixels_affine_avx512(as<uint16_t>(x), pixels, C, scale, shift, as<uint16_t>(y));
    else
      pixels_affine_avx512(as<float>(x), pixels, C, scale, shift, as<float>(y));
    return;
  }
#endif
  reference::pixels_affine(x, dtype, pixels, C, scale, shift, y);
}

void pixels_grad_sums(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                      int64_t C, float mean, double* sum_dy, double* sum_dyx) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype)) {
    if (dtype == at::kBFloat16)
      pixels_grad_sums_avx512(as<uint16_t>(dy), as<uint16_t>(x), pixels, C, mean, sum_dy, sum_dyx);
    else
      pixels_grad_sums_avx512(as<float>(dy), as<float>(x), pixels, C, mean, sum_dy, sum_dyx);
    return;
  }
#endif
  reference::pixels_grad_sums(dy, x, dtype, pixels, C, mean, sum_dy, sum_dyx);
}

void pixels_grad_input(const void* dy, const void* x, at::ScalarType dtype, int64_t pixels,
                       int64_t C, const float* a, float b, float e, float mean, void* dx) {
#ifdef COMICGAN_AVX512
  if (use_avx512(dtype)) {
    if (dtype == at::kBFloat16)
      pixels_grad_input_avx512(as<uint16_t>(dy), as<uint16_t>(x), pixels, C, a, b, e, mean,
                               as<uint16_t>(dx));
    else
      pixels_grad_input_avx512(as<float>(dy), as<float>(x), pixels, C, a, b, e, mean,
                               as<float>(dx));
    return;
  }
#endif
  reference::pixels_grad_input(dy, x, dtype, pixels, C, a, b, e, mean, dx);
}

}  // namespace comicgan::models::gn_kernels
