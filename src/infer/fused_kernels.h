// The fused CPU kernels of the fast inference path, on NHWC (channels_last) images of one
// sample, in fp32 or bf16. Each has a plain scalar reference (fused_kernels_reference.cpp) that
// the tests compare it with, and that also serves CPUs without AVX-512.
//
// Why these exist: LibTorch 1.13's GroupNorm and reflection-pad kernels are slow in
// channels_last and refuse bf16, while oneDNN's convolutions want channels_last. So every
// convolution's output goes through one pass that normalizes, activates, adds the residual and
// writes the result straight into the reflection-padded buffer the next convolution reads.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace comicgan::infer {

struct PadSpec {
  int64_t left = 0, right = 0, top = 0, bottom = 0;
  bool any() const { return left || right || top || bottom; }
};

// An NHWC image of `channels` channels. `data` points at pixel (0,0) of the image proper;
// rows are `row_stride` elements apart, pixels `channels` apart. A buffer with room for `pad`
// extra pixels around the image (reflection padding) is described by the same view.
struct NhwcView {
  void* data = nullptr;
  int64_t height = 0, width = 0, channels = 0, row_stride = 0;
  at::ScalarType dtype = at::kFloat;  // kFloat or kBFloat16
};

struct Moments {
  double mean = 0, rstd = 0;  // over every element; rstd = 1 / sqrt(var + eps), biased var
};

// GroupNorm(1 group) applied as y = act(x * scale[c] + shift[c]) (+ residual), where
// scale = gamma * rstd and shift = beta - mean * scale are computed by norm_coefficients.
struct NormAct {
  const float* scale = nullptr;
  const float* shift = nullptr;
  float negative_slope = 1.0f;  // 1: no activation; 0.2: LeakyReLU(0.2)
};

void norm_coefficients(const Moments& m, const float* gamma, const float* beta, int64_t channels,
                       float* scale, float* shift);

// Mean and reciprocal standard deviation of all elements of an image.
Moments moments(const NhwcView& x, double eps);

// out = act(x * scale + shift) + residual (residual optional, same shape as x), then the
// reflection padding `pad` around `out` is filled in.
void norm_act(const NhwcView& x, const NormAct& op, const NhwcView* residual, const NhwcView& out,
              const PadSpec& pad);

// Bilinear resampling; source coordinate of output index i along an axis is
// src = max(scale * (i + origin) + offset, 0) - src_origin   (offset: -0.5 style terms),
// as torch's upsample_bilinear2d computes it, with `origin`s placing a tile in the whole image.
struct ResampleAxis {
  float scale = 1.0f;
  float half_pixel = 0.0f;  // 0.5 for align_corners=false, 0 for true
  int64_t dst_origin = 0, src_origin = 0;
};
void upsample_bilinear(const NhwcView& in, const NhwcView& out, const ResampleAxis& y,
                       const ResampleAxis& x, const PadSpec& pad);

// Fills the reflection padding around an image whose interior is written already.
void fill_reflection_pad(const NhwcView& image, const PadSpec& pad);

// (1,3,H,W) float NCHW in [-1,1] -> the NHWC image `out` (3 channels) plus its padding.
void pack_input(const at::Tensor& nchw, const NhwcView& out, const PadSpec& pad);

// The plain references of the kernels above (no vectorization, no threads).
namespace reference {
Moments moments(const NhwcView& x, double eps);
void norm_act(const NhwcView& x, const NormAct& op, const NhwcView* residual, const NhwcView& out,
              const PadSpec& pad);
void upsample_bilinear(const NhwcView& in, const NhwcView& out, const ResampleAxis& y,
                       const ResampleAxis& x, const PadSpec& pad);
void fill_reflection_pad(const NhwcView& image, const PadSpec& pad);
}  // namespace reference

// Whether the AVX-512 kernels run on this CPU (fp32: AVX-512 F/BW/VL/DQ; bf16: plus BF16).
bool fast_kernels_available(at::ScalarType dtype);
// For tests: force the reference kernels everywhere (true) or allow the fast ones (false).
void force_reference_kernels(bool on);

// Source index pair and weight of one output index, exactly as torch computes them.
struct ResampleTap {
  int64_t i0, i1;
  float lambda;
};
ResampleTap resample_tap(const ResampleAxis& axis, int64_t i, int64_t src_size);

}  // namespace comicgan::infer
