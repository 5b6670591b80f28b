// The vectorized fused kernels (AVX-512, chosen at run time) and their dispatch. The AVX-512
// code is compiled with a function-level target, so the binary still runs on CPUs without it:
// there the references in fused_kernels_reference.cpp run instead.
#include "infer/fused_kernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "comicgan/error.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define COMICGAN_AVX512 1
#include "models/avx512_lanes.h"
#endif

namespace comicgan::infer {
namespace {

std::atomic<bool> g_force_reference{false};

size_t element_size(at::ScalarType t) { return t == at::kBFloat16 ? 2 : 4; }

char* at_pixel(const NhwcView& v, int64_t y, int64_t x) {
  return static_cast<char*>(v.data) + (y * v.row_stride + x * v.channels) * element_size(v.dtype);
}

void check_view(const NhwcView& v, const char* what) {
  check(v.data && v.height > 0 && v.width > 0 && v.channels > 0 &&
            v.row_stride >= v.width * v.channels &&
            (v.dtype == at::kFloat || v.dtype == at::kBFloat16),
        what, ": bad NHWC view ", v.width, "x", v.height, "x", v.channels);
}

// Columns of every row first (each row's own pixels), then whole padded rows.
void fill_pad_columns(const NhwcView& v, const PadSpec& pad, int64_t y) {
  const size_t pixel = size_t(v.channels) * element_size(v.dtype);
  for (int64_t i = 1; i <= pad.left; ++i) std::memcpy(at_pixel(v, y, -i), at_pixel(v, y, i), pixel);
  for (int64_t i = 1; i <= pad.right; ++i)
    std::memcpy(at_pixel(v, y, v.width - 1 + i), at_pixel(v, y, v.width - 1 - i), pixel);
}

void fill_pad_rows(const NhwcView& v, const PadSpec& pad) {
  const size_t row = size_t(v.width + pad.left + pad.right) * v.channels * element_size(v.dtype);
  for (int64_t i = 1; i <= pad.top; ++i)
    std::memcpy(at_pixel(v, -i, -pad.left), at_pixel(v, i, -pad.left), row);
  for (int64_t i = 1; i <= pad.bottom; ++i)
    std::memcpy(at_pixel(v, v.height - 1 + i, -pad.left), at_pixel(v, v.height - 1 - i, -pad.left),
                row);
}

void check_pad(const NhwcView& v, const PadSpec& pad) {
  check(pad.left < v.width && pad.right < v.width && pad.top < v.height && pad.bottom < v.height,
        "reflection padding ", pad.left, ",", pad.right, ",", pad.top, ",", pad.bottom,
        " needs an image larger than ", v.width, "x", v.height);
}

#ifdef COMICGAN_AVX512
COMICGAN_AVX512_BEGIN
// Only the bf16 store uses an AVX512-BF16 instruction; fp32 kernels run on AVX-512 F/BW/VL/DQ.
using avx512::load;
using avx512::scalar;
using avx512::store;
using avx512::tail_mask;

// One pass over the data, shifted by an estimate of the mean so E[x^2] - E[x]^2 does not cancel;
// fp32 vector sums are flushed into doubles every 64 vectors.
template <typename T>
Moments moments_avx512(const NhwcView& x, double eps) {
  const int64_t row_len = x.width * x.channels;
  const T* base = static_cast<const T*>(x.data);
  double shift = 0;
  int64_t probe = std::min<int64_t>(row_len, 4096);
  for (int64_t i = 0; i < probe; ++i) shift += scalar(base + i);
  shift /= double(probe);
  std::vector<double> partial(size_t(x.height) * 2, 0.0);
  at::parallel_for(0, x.height, 8, [&](int64_t y0, int64_t y1) {
    const __m512 s = _mm512_set1_ps(float(shift));
    for (int64_t y = y0; y < y1; ++y) {
      const T* row = base + y * x.row_stride;
      __m512d sum_d = _mm512_setzero_pd(), sq_d = _mm512_setzero_pd();
      for (int64_t i = 0; i < row_len;) {
        __m512 sum = _mm512_setzero_ps(), sq = _mm512_setzero_ps();
        for (int k = 0; k < 64 && i < row_len; ++k, i += 16) {
          __mmask16 m = tail_mask(row_len - i);
          __m512 v = _mm512_maskz_sub_ps(m, load(row + i, m), s);
          sum = _mm512_add_ps(sum, v);
          sq = _mm512_fmadd_ps(v, v, sq);
        }
        sum_d = _mm512_add_pd(sum_d, avx512::widen_sum(sum));
        sq_d = _mm512_add_pd(sq_d, avx512::widen_sum(sq));
      }
      partial[size_t(y) * 2] = _mm512_reduce_add_pd(sum_d);
      partial[size_t(y) * 2 + 1] = _mm512_reduce_add_pd(sq_d);
    }
  });
  double sum = 0, sq = 0;
  for (int64_t y = 0; y < x.height; ++y) {
    sum += partial[size_t(y) * 2];
    sq += partial[size_t(y) * 2 + 1];
  }
  const double n = double(x.height) * double(row_len);
  const double m = sum / n;
  const double var = std::max(sq / n - m * m, 0.0);
  return {shift + m, 1.0 / std::sqrt(var + eps)};
}

template <typename T>
void norm_act_avx512(const NhwcView& x, const NormAct& op, const NhwcView* residual,
                     const NhwcView& out, const PadSpec& pad) {
  const int64_t C = x.channels;
  const bool act = op.negative_slope != 1.0f;
  at::parallel_for(0, x.height, 4, [&](int64_t y0, int64_t y1) {
    const __m512 slope = _mm512_set1_ps(op.negative_slope);
    for (int64_t y = y0; y < y1; ++y) {
      const T* src = static_cast<const T*>(x.data) + y * x.row_stride;
      const T* res =
          residual ? static_cast<const T*>(residual->data) + y * residual->row_stride : nullptr;
      T* dst = static_cast<T*>(out.data) + y * out.row_stride;
      for (int64_t p = 0; p < x.width; ++p, src += C, dst += C, res = res ? res + C : nullptr) {
        for (int64_t c = 0; c < C; c += 16) {
          __mmask16 m = tail_mask(C - c);
          __m512 v = _mm512_fmadd_ps(load(src + c, m), _mm512_maskz_loadu_ps(m, op.scale + c),
                                     _mm512_maskz_loadu_ps(m, op.shift + c));
          if (act) v = _mm512_max_ps(v, _mm512_mul_ps(v, slope));
          if (res) v = _mm512_add_ps(v, load(res + c, m));
          store(dst + c, v, m);
        }
      }
      fill_pad_columns(out, pad, y);
    }
  });
  fill_pad_rows(out, pad);
}

template <typename T>
void upsample_avx512(const NhwcView& in, const NhwcView& out, const ResampleAxis& ay,
                     const ResampleAxis& ax, const PadSpec& pad) {
  const int64_t C = out.channels;
  std::vector<ResampleTap> xt(size_t(out.width));
  for (int64_t i = 0; i < out.width; ++i) xt[size_t(i)] = resample_tap(ax, i, in.width);
  at::parallel_for(0, out.height, 4, [&](int64_t y0, int64_t y1) {
    for (int64_t y = y0; y < y1; ++y) {
      ResampleTap ty = resample_tap(ay, y, in.height);
      const T* r0 = static_cast<const T*>(in.data) + ty.i0 * in.row_stride;
      const T* r1 = static_cast<const T*>(in.data) + ty.i1 * in.row_stride;
      const __m512 wy1 = _mm512_set1_ps(ty.lambda), wy0 = _mm512_set1_ps(1.0f - ty.lambda);
      T* dst = static_cast<T*>(out.data) + y * out.row_stride;
      for (int64_t i = 0; i < out.width; ++i, dst += C) {
        const ResampleTap& tx = xt[size_t(i)];
        const __m512 wx1 = _mm512_set1_ps(tx.lambda), wx0 = _mm512_set1_ps(1.0f - tx.lambda);
        const T *a = r0 + tx.i0 * C, *b = r0 + tx.i1 * C, *c0 = r1 + tx.i0 * C, *d = r1 + tx.i1 * C;
        for (int64_t c = 0; c < C; c += 16) {
          __mmask16 m = tail_mask(C - c);
          __m512 top = _mm512_fmadd_ps(wx1, load(b + c, m), _mm512_mul_ps(wx0, load(a + c, m)));
          __m512 bot = _mm512_fmadd_ps(wx1, load(d + c, m), _mm512_mul_ps(wx0, load(c0 + c, m)));
          store(dst + c, _mm512_fmadd_ps(wy1, bot, _mm512_mul_ps(wy0, top)), m);
        }
      }
      fill_pad_columns(out, pad, y);
    }
  });
  fill_pad_rows(out, pad);
}

COMICGAN_AVX512_END
#endif  // COMICGAN_AVX512

bool use_fast(at::ScalarType dtype) {
  return !g_force_reference.load() && fast_kernels_available(dtype);
}

}  // namespace

bool fast_kernels_available(at::ScalarType dtype) {
#ifdef COMICGAN_AVX512
  return avx512::cpu_supported(dtype == at::kBFloat16);
#else
  (void)dtype;
  return false;
#endif
}

void force_reference_kernels(bool on) { g_force_reference = on; }

void fill_reflection_pad(const NhwcView& image, const PadSpec& pad) {
  check_view(image, "fill_reflection_pad");
  check_pad(image, pad);
  at::parallel_for(0, image.height, 64, [&](int64_t y0, int64_t y1) {
    for (int64_t y = y0; y < y1; ++y) fill_pad_columns(image, pad, y);
  });
  fill_pad_rows(image, pad);
}

Moments moments(const NhwcView& x, double eps) {
  check_view(x, "moments");
#ifdef COMICGAN_AVX512
  if (use_fast(x.dtype))
    return x.dtype == at::kBFloat16 ? moments_avx512<uint16_t>(x, eps)
                                    : moments_avx512<float>(x, eps);
#endif
  return reference::moments(x, eps);
}

void norm_act(const NhwcView& x, const NormAct& op, const NhwcView* residual, const NhwcView& out,
              const PadSpec& pad) {
  check_view(x, "norm_act");
  check_view(out, "norm_act");
  check(out.height == x.height && out.width == x.width && out.channels == x.channels &&
            out.dtype == x.dtype &&
            (!residual || (residual->height == x.height && residual->width == x.width &&
                           residual->channels == x.channels && residual->dtype == x.dtype)),
        "norm_act: shapes or types of input, residual and output differ");
  check_pad(out, pad);
#ifdef COMICGAN_AVX512
  if (use_fast(x.dtype)) {
    if (x.dtype == at::kBFloat16)
      norm_act_avx512<uint16_t>(x, op, residual, out, pad);
    else
      norm_act_avx512<float>(x, op, residual, out, pad);
    return;
  }
#endif
  reference::norm_act(x, op, residual, out, pad);
}

void upsample_bilinear(const NhwcView& in, const NhwcView& out, const ResampleAxis& y,
                       const ResampleAxis& x, const PadSpec& pad) {
  check_view(in, "upsample_bilinear");
  check_view(out, "upsample_bilinear");
  check(in.channels == out.channels && in.dtype == out.dtype,
        "upsample_bilinear: channels or types differ");
  check_pad(out, pad);
#ifdef COMICGAN_AVX512
  if (use_fast(in.dtype)) {
    if (in.dtype == at::kBFloat16)
      upsample_avx512<uint16_t>(in, out, y, x, pad);
    else
      upsample_avx512<float>(in, out, y, x, pad);
    return;
  }
#endif
  reference::upsample_bilinear(in, out, y, x, pad);
}

}  // namespace comicgan::infer
