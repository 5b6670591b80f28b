// Plain scalar versions of the fused kernels: the specification the vectorized ones are tested
// against, and what runs on CPUs without AVX-512.
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>

#include "comicgan/error.h"
#include "infer/fused_kernels.h"

namespace comicgan::infer {
namespace {

float get(const NhwcView& v, int64_t y, int64_t x, int64_t c) {
  int64_t i = y * v.row_stride + x * v.channels + c;
  if (v.dtype == at::kBFloat16) return float(static_cast<const c10::BFloat16*>(v.data)[i]);
  return static_cast<const float*>(v.data)[i];
}

void put(const NhwcView& v, int64_t y, int64_t x, int64_t c, float value) {
  int64_t i = y * v.row_stride + x * v.channels + c;
  if (v.dtype == at::kBFloat16)
    static_cast<c10::BFloat16*>(v.data)[i] = c10::BFloat16(value);
  else
    static_cast<float*>(v.data)[i] = value;
}

}  // namespace

ResampleTap resample_tap(const ResampleAxis& axis, int64_t i, int64_t src_size) {
  // torch: area_pixel_compute_source_index in float, then index/lambda guarded to the input.
  int64_t g = i + axis.dst_origin;
  float real =
      axis.half_pixel == 0.0f ? axis.scale * float(g) : float(axis.scale * (double(g) + 0.5) - 0.5);
  real = std::max(real, 0.0f);
  int64_t i0g = int64_t(real);
  int64_t local = std::min(i0g - axis.src_origin, src_size - 1);
  ResampleTap tap;
  tap.lambda = std::min(std::max(real - float(local + axis.src_origin), 0.0f), 1.0f);
  if (local < 0) {  // only at a tile's inner edge, inside the halo that is cropped away
    local = 0;
    tap.lambda = 0.0f;
  }
  tap.i0 = local;
  tap.i1 = local + (local < src_size - 1 ? 1 : 0);
  return tap;
}

void norm_coefficients(const Moments& m, const float* gamma, const float* beta, int64_t channels,
                       float* scale, float* shift) {
  for (int64_t c = 0; c < channels; ++c) {
    scale[c] = float(double(gamma[c]) * m.rstd);
    shift[c] = float(double(beta[c]) - m.mean * double(gamma[c]) * m.rstd);
  }
}

namespace reference {

Moments moments(const NhwcView& x, double eps) {
  double sum = 0, sq = 0;
  for (int64_t y = 0; y < x.height; ++y)
    for (int64_t i = 0; i < x.width; ++i)
      for (int64_t c = 0; c < x.channels; ++c) sum += get(x, y, i, c);
  double n = double(x.height * x.width * x.channels);
  double mean = sum / n;
  for (int64_t y = 0; y < x.height; ++y)
    for (int64_t i = 0; i < x.width; ++i)
      for (int64_t c = 0; c < x.channels; ++c) {
        double d = get(x, y, i, c) - mean;
        sq += d * d;
      }
  return {mean, 1.0 / std::sqrt(sq / n + eps)};
}

void fill_reflection_pad(const NhwcView& v, const PadSpec& pad) {
  check(pad.left < v.width && pad.right < v.width && pad.top < v.height && pad.bottom < v.height,
        "reflection padding ", pad.left, ",", pad.right, ",", pad.top, ",", pad.bottom,
        " needs an image larger than ", v.width, "x", v.height);
  for (int64_t y = 0; y < v.height; ++y)
    for (int64_t c = 0; c < v.channels; ++c) {
      for (int64_t i = 1; i <= pad.left; ++i) put(v, y, -i, c, get(v, y, i, c));
      for (int64_t i = 1; i <= pad.right; ++i)
        put(v, y, v.width - 1 + i, c, get(v, y, v.width - 1 - i, c));
    }
  for (int64_t x = -pad.left; x < v.width + pad.right; ++x)
    for (int64_t c = 0; c < v.channels; ++c) {
      for (int64_t i = 1; i <= pad.top; ++i) put(v, -i, x, c, get(v, i, x, c));
      for (int64_t i = 1; i <= pad.bottom; ++i)
        put(v, v.height - 1 + i, x, c, get(v, v.height - 1 - i, x, c));
    }
}

void norm_act(const NhwcView& x, const NormAct& op, const NhwcView* residual, const NhwcView& out,
              const PadSpec& pad) {
  for (int64_t y = 0; y < x.height; ++y)
    for (int64_t i = 0; i < x.width; ++i)
      for (int64_t c = 0; c < x.channels; ++c) {
        float v = get(x, y, i, c) * op.scale[c] + op.shift[c];
        if (v < 0) v *= op.negative_slope;
        if (residual) v += get(*residual, y, i, c);
        put(out, y, i, c, v);
      }
  reference::fill_reflection_pad(out, pad);
}

void upsample_bilinear(const NhwcView& in, const NhwcView& out, const ResampleAxis& ay,
                       const ResampleAxis& ax, const PadSpec& pad) {
  for (int64_t y = 0; y < out.height; ++y) {
    ResampleTap ty = resample_tap(ay, y, in.height);
    for (int64_t i = 0; i < out.width; ++i) {
      ResampleTap tx = resample_tap(ax, i, in.width);
      for (int64_t c = 0; c < out.channels; ++c) {
        float top =
            (1 - tx.lambda) * get(in, ty.i0, tx.i0, c) + tx.lambda * get(in, ty.i0, tx.i1, c);
        float bot =
            (1 - tx.lambda) * get(in, ty.i1, tx.i0, c) + tx.lambda * get(in, ty.i1, tx.i1, c);
        put(out, y, i, c, (1 - ty.lambda) * top + ty.lambda * bot);
      }
    }
  }
  reference::fill_reflection_pad(out, pad);
}

}  // namespace reference

void pack_input(const at::Tensor& nchw, const NhwcView& out, const PadSpec& pad) {
  check(
      nchw.dim() == 4 && nchw.size(0) == 1 && nchw.size(1) == 3 && nchw.scalar_type() == at::kFloat,
      "pack_input: expected (1,3,H,W) float, found ", nchw.sizes());
  at::Tensor src = nchw.contiguous();
  const float* p = src.data_ptr<float>();
  const int64_t plane = out.height * out.width;
  at::parallel_for(0, out.height, 16, [&](int64_t y0, int64_t y1) {
    for (int64_t y = y0; y < y1; ++y)
      for (int64_t x = 0; x < out.width; ++x)
        for (int64_t c = 0; c < 3; ++c) put(out, y, x, c, p[c * plane + y * out.width + x]);
  });
  fill_reflection_pad(out, pad);
}

}  // namespace comicgan::infer
