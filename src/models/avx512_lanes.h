// 16-lane fp32 loads and stores of fp32 or bf16 storage, for kernels compiled with a
// function-level AVX-512 target (fused_kernels.cpp, group_norm_kernels.cpp), which call them
// only after checking the CPU at run time. The bf16 store rounds to nearest even (AVX512-BF16's
// vcvtneps2bf16); everything else needs AVX-512 F/BW/VL/DQ only.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#define COMICGAN_AVX512_TARGET "avx512f,avx512bw,avx512vl,avx512dq,fma,avx512bf16"
// Everything between COMICGAN_AVX512_BEGIN and COMICGAN_AVX512_END is compiled for that target.
// clang-format off
#if defined(__clang__)
#define COMICGAN_AVX512_BEGIN \
  _Pragma("clang attribute push(__attribute__((target(\"avx512f,avx512bw,avx512vl,avx512dq,fma,avx512bf16\"))), apply_to = function)")
#define COMICGAN_AVX512_END _Pragma("clang attribute pop")
#else
// GCC 12 reports its own intrinsics' _mm512_undefined_* idiom as (maybe-)uninitialized.
#define COMICGAN_AVX512_BEGIN \
  _Pragma("GCC push_options") \
  _Pragma("GCC target(\"avx512f,avx512bw,avx512vl,avx512dq,fma,avx512bf16\")") \
  _Pragma("GCC diagnostic push") \
  _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"") \
  _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")
#define COMICGAN_AVX512_END _Pragma("GCC diagnostic pop") _Pragma("GCC pop_options")
#endif
// clang-format on

namespace comicgan::avx512 {
// Whether this CPU runs kernels compiled for COMICGAN_AVX512_TARGET: AVX-512 F/BW/VL/DQ (and FMA);
// with `bf16_stores` also AVX512-BF16, which the bf16 store needs.
inline bool cpu_supported(bool bf16_stores) {
  static const bool base = __builtin_cpu_supports("avx512f") &&
                           __builtin_cpu_supports("avx512bw") &&
                           __builtin_cpu_supports("avx512vl") &&
                           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma");
  static const bool bf16 = base && __builtin_cpu_supports("avx512bf16");
  return bf16_stores ? bf16 : base;
}
}  // namespace comicgan::avx512

#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace comicgan::avx512 {
#define COMICGAN_LANES inline __attribute__((target(COMICGAN_AVX512_TARGET), always_inline))

COMICGAN_LANES __mmask16 tail_mask(int64_t left) {
  return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
}
COMICGAN_LANES __m512 load(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
COMICGAN_LANES __m512 load(const uint16_t* p, __mmask16 m) {
  return _mm512_castsi512_ps(
      _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)), 16));
}
COMICGAN_LANES void store(float* p, __m512 v, __mmask16 m) { _mm512_mask_storeu_ps(p, m, v); }
COMICGAN_LANES void store(uint16_t* p, __m512 v, __mmask16 m) {
  _mm256_mask_storeu_epi16(p, m, (__m256i)_mm512_cvtneps_pbh(v));
}
COMICGAN_LANES double scalar(const float* p) { return *p; }
COMICGAN_LANES double scalar(const uint16_t* p) {
  uint32_t bits = uint32_t(*p) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
// The 16 fp32 lanes summed into 8 doubles' worth: (low half + high half) widened.
COMICGAN_LANES __m512d widen_sum(__m512 v) {
  return _mm512_add_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(v)),
                       _mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1)));
}

#undef COMICGAN_LANES
}  // namespace comicgan::avx512
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
