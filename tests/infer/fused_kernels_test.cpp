// Each fused kernel against its plain reference (and the references against ATen), on awkward
// sizes, channel counts that are not multiples of the vector width, padded views, fp32 and bf16.
#include "infer/fused_kernels.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"

using namespace comicgan::infer;

namespace {

// An NHWC tensor (H+pt+pb, W+pl+pr, C) holding random values, and the view of its interior.
struct Padded {
  at::Tensor storage;
  NhwcView view;
  Padded(int64_t h, int64_t w, int64_t c, PadSpec pad, at::ScalarType dtype, double offset = 0) {
    storage =
        (torch::randn({h + pad.top + pad.bottom, w + pad.left + pad.right, c}) + offset).to(dtype);
    view.data = static_cast<char*>(storage.data_ptr()) +
                (pad.top * (w + pad.left + pad.right) + pad.left) * c * storage.element_size();
    view.height = h;
    view.width = w;
    view.channels = c;
    view.row_stride = (w + pad.left + pad.right) * c;
    view.dtype = dtype;
  }
  at::Tensor interior_nchw(PadSpec pad) const {
    return storage.narrow(0, pad.top, view.height)
        .narrow(1, pad.left, view.width)
        .permute({2, 0, 1})
        .unsqueeze(0)
        .to(at::kFloat);
  }
};

struct Shape {
  int64_t h, w, c;
};
const std::vector<Shape> kShapes = {{1, 1, 1},   {3, 5, 3},   {7, 2, 17},
                                    {9, 13, 16}, {4, 31, 33}, {6, 6, 130}};
const std::vector<at::ScalarType> kTypes = {at::kFloat, at::kBFloat16};

float tolerance(at::ScalarType t) { return t == at::kBFloat16 ? 1.0f / 64 : 1e-5f; }

// Without AVX-512 (or AVX512-BF16 for bf16) the fast calls run the references, so a fast vs
// reference check compares a kernel with itself: the test says so and counts as skipped (its
// reference vs ATen checks still ran and still fail it).
#define SKIP_IF_FAST_KERNELS_FELL_BACK()                                                        \
  do {                                                                                          \
    if (!fast_kernels_available(at::kFloat) || !fast_kernels_available(at::kBFloat16))          \
      GTEST_SKIP() << "fast vs reference not compared for "                                     \
                   << (fast_kernels_available(at::kFloat) ? "bf16" : "fp32 and bf16")           \
                   << ": this CPU lacks "                                                       \
                   << (fast_kernels_available(at::kFloat) ? "AVX512-BF16" : "AVX-512")          \
                   << ", so the fast calls ran the references (reference vs ATen was checked)"; \
  } while (0)

}  // namespace

TEST(FusedKernels, MomentsMatchReferenceAndATenEvenFarFromZero) {
  torch::manual_seed(1);
  for (auto t : kTypes)
    for (auto s : kShapes)
      for (double offset : {0.0, 300.0}) {
        Padded x(s.h, s.w, s.c, {1, 2, 0, 1}, t, offset);
        Moments ref = reference::moments(x.view, 1e-5), fast = moments(x.view, 1e-5);
        auto v = x.interior_nchw({1, 2, 0, 1}).to(at::kDouble);
        double aten_mean = v.mean().item<double>();
        double aten_rstd = 1.0 / std::sqrt(v.var(false).item<double>() + 1e-5);
        EXPECT_NEAR(ref.mean, aten_mean, 1e-9 * (1 + std::abs(aten_mean)));
        EXPECT_NEAR(ref.rstd, aten_rstd, 1e-9 * aten_rstd);
        EXPECT_NEAR(fast.mean, ref.mean, 1e-6 * (1 + std::abs(ref.mean)))
            << s.h << "x" << s.w << "x" << s.c;
        EXPECT_NEAR(fast.rstd, ref.rstd, 2e-5 * ref.rstd) << s.h << "x" << s.w << "x" << s.c;
      }
  SKIP_IF_FAST_KERNELS_FELL_BACK();
}

TEST(FusedKernels, NormActMatchesReferenceAndReferenceMatchesATen) {
  torch::manual_seed(2);
  for (auto t : kTypes)
    for (auto s : kShapes)
      for (bool residual : {false, true}) {
        PadSpec pad = {std::min<int64_t>(1, s.w - 1), std::min<int64_t>(3, s.w - 1), 0,
                       std::min<int64_t>(2, s.h - 1)};
        Padded x(s.h, s.w, s.c, {}, t), r(s.h, s.w, s.c, {2, 0, 1, 0}, t);
        Padded out_ref(s.h, s.w, s.c, pad, t), out_fast(s.h, s.w, s.c, pad, t);
        at::Tensor gamma = torch::rand({s.c}) + 0.5, beta = torch::randn({s.c});
        Moments m = reference::moments(x.view, 1e-5);
        std::vector<float> scale(size_t(s.c)), shift(size_t(s.c));
        norm_coefficients(m, gamma.data_ptr<float>(), beta.data_ptr<float>(), s.c, scale.data(),
                          shift.data());
        NormAct op{scale.data(), shift.data(), residual ? 1.0f : 0.2f};
        reference::norm_act(x.view, op, residual ? &r.view : nullptr, out_ref.view, pad);
        norm_act(x.view, op, residual ? &r.view : nullptr, out_fast.view, pad);
        float diff = (out_ref.storage.to(at::kFloat) - out_fast.storage.to(at::kFloat))
                         .abs()
                         .max()
                         .item<float>();
        EXPECT_LE(diff, tolerance(t) * 4) << s.h << "x" << s.w << "x" << s.c;
        if (t == at::kFloat && s.h * s.w > 1) {  // the reference is GroupNorm(1) + LeakyReLU + pad
          auto xin = x.interior_nchw({});
          auto expected = at::group_norm(xin, 1, gamma, beta, 1e-5);
          expected =
              residual ? expected + r.interior_nchw({2, 0, 1, 0}) : at::leaky_relu(expected, 0.2);
          expected = at::reflection_pad2d(expected, {pad.left, pad.right, pad.top, pad.bottom});
          auto got = out_ref.storage.permute({2, 0, 1}).unsqueeze(0);
          EXPECT_LE((got - expected).abs().max().item<float>(), 1e-5f)
              << s.h << "x" << s.w << "x" << s.c;
        }
      }
  SKIP_IF_FAST_KERNELS_FELL_BACK();
}

TEST(FusedKernels, UpsampleMatchesReferenceAndTorchInBothModes) {
  torch::manual_seed(3);
  for (auto t : kTypes)
    for (auto s : kShapes)
      for (bool align : {true, false}) {
        int64_t oh = align ? s.h * 2 + 1 : s.h * 2, ow = align ? s.w * 2 - 1 + (s.w == 1) : s.w * 2;
        PadSpec pad = {1, 1, 1, 1};
        Padded in(s.h, s.w, s.c, {0, 1, 0, 0}, t), out_ref(oh, ow, s.c, pad, t),
            out_fast(oh, ow, s.c, pad, t);
        auto axis = [&](int64_t src, int64_t dst) {
          ResampleAxis a;
          a.scale = align ? (dst > 1 ? float(src - 1) / float(dst - 1) : 0.0f) : 0.5f;
          a.half_pixel = align ? 0.0f : 0.5f;
          return a;
        };
        reference::upsample_bilinear(in.view, out_ref.view, axis(s.h, oh), axis(s.w, ow), pad);
        upsample_bilinear(in.view, out_fast.view, axis(s.h, oh), axis(s.w, ow), pad);
        float diff = (out_ref.storage.to(at::kFloat) - out_fast.storage.to(at::kFloat))
                         .abs()
                         .max()
                         .item<float>();
        EXPECT_LE(diff, tolerance(t) * 4) << s.h << "x" << s.w << "x" << s.c;
        if (t == at::kFloat) {
          namespace F = torch::nn::functional;
          auto opts = F::InterpolateFuncOptions().mode(torch::kBilinear).align_corners(align);
          if (align)
            opts.size(std::vector<int64_t>{oh, ow});
          else
            opts.scale_factor(std::vector<double>{2.0, 2.0});
          auto expected = F::interpolate(in.interior_nchw({0, 1, 0, 0}), opts);
          auto got =
              out_ref.storage.narrow(0, 1, oh).narrow(1, 1, ow).permute({2, 0, 1}).unsqueeze(0);
          EXPECT_LE((got - expected).abs().max().item<float>(), 1e-5f)
              << s.h << "x" << s.w << "x" << s.c;
        }
      }
  SKIP_IF_FAST_KERNELS_FELL_BACK();
}

TEST(FusedKernels, ReflectionPadMatchesATen) {
  torch::manual_seed(4);
  for (auto t : kTypes) {
    PadSpec pad = {3, 2, 1, 3};
    Padded a(5, 7, 19, pad, t), b(5, 7, 19, pad, t);
    b.storage.copy_(a.storage);
    reference::fill_reflection_pad(a.view, pad);
    fill_reflection_pad(b.view, pad);
    EXPECT_TRUE(torch::equal(a.storage, b.storage));
    auto expected = at::reflection_pad2d(a.interior_nchw(pad), {3, 2, 1, 3});
    EXPECT_TRUE(torch::equal(a.storage.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat), expected));
  }
}

TEST(FusedKernels, PaddingLargerThanTheImageIsRefused) {
  Padded a(2, 2, 4, {2, 2, 2, 2}, at::kFloat);
  EXPECT_THROW(fill_reflection_pad(a.view, {2, 2, 2, 2}), comicgan::Error);
}
