#include "models/reflection_pad.h"

#include <torch/torch.h>

#include "comicgan/error.h"

namespace comicgan::models {
namespace F = torch::nn::functional;

namespace {
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Reflection padding written straight into the padded tensor, in the input's layout; its
// backward folds the border's gradients back onto the rows and columns they mirror. (Composing it
// from slices, flips and cat cost ~0.5 s per bf16 training step in copies, zero fills and adds,
// and mixed NCHW/channels_last tensors in the backward pass.)
struct ReflectionPadFunction : torch::autograd::Function<ReflectionPadFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t left, int64_t right,
                            int64_t top, int64_t bottom) {
    const int64_t H = x.size(2), W = x.size(3);
    auto out = at::empty({x.size(0), x.size(1), H + top + bottom, W + left + right},
                         x.options().memory_format(x.suggest_memory_format()));
    auto rows = out.narrow(2, top, H);
    rows.narrow(3, left, W).copy_(x);
    for (int64_t i = 1; i <= left; ++i) rows.select(3, left - i).copy_(x.select(3, i));
    for (int64_t i = 1; i <= right; ++i)
      rows.select(3, left + W - 1 + i).copy_(x.select(3, W - 1 - i));
    for (int64_t i = 1; i <= top; ++i) out.select(2, top - i).copy_(out.select(2, top + i));
    for (int64_t i = 1; i <= bottom; ++i)
      out.select(2, top + H - 1 + i).copy_(out.select(2, top + H - 1 - i));
    ctx->saved_data["pad"] = std::vector<int64_t>{left, right, top, bottom, H, W};
    return out;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grads) {
    const auto v = ctx->saved_data["pad"].toIntVector();
    const int64_t left = v[0], right = v[1], top = v[2], bottom = v[3], H = v[4], W = v[5];
    const auto& g = grads[0];
    const auto layout = g.suggest_memory_format();
    auto rows = g.narrow(2, top, H).contiguous(layout);  // rows first: H x padded width
    for (int64_t i = 1; i <= top; ++i) rows.select(2, i).add_(g.select(2, top - i));
    for (int64_t i = 1; i <= bottom; ++i)
      rows.select(2, H - 1 - i).add_(g.select(2, top + H - 1 + i));
    auto dx = rows.narrow(3, left, W).contiguous(layout);
    for (int64_t i = 1; i <= left; ++i) dx.select(3, i).add_(rows.select(3, left - i));
    for (int64_t i = 1; i <= right; ++i)
      dx.select(3, W - 1 - i).add_(rows.select(3, left + W - 1 + i));
    return {dx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};
}  // namespace

at::Tensor reflection_pad(const at::Tensor& x, const std::array<int64_t, 4>& pad) {
  check(x.dim() == 4, "reflection pad: expected (N,C,H,W), found ", x.sizes());
  check(pad[0] < x.size(3) && pad[1] < x.size(3) && pad[2] < x.size(2) && pad[3] < x.size(2),
        "reflection pad: padding ", pad[0], ",", pad[1], ",", pad[2], ",", pad[3],
        " must be smaller than the picture's ", x.size(3), "x", x.size(2));
  if (x.scalar_type() != at::kBFloat16)
    return F::pad(x, F::PadFuncOptions({pad[0], pad[1], pad[2], pad[3]}).mode(torch::kReflect));
  if (pad[0] == 0 && pad[1] == 0 && pad[2] == 0 && pad[3] == 0) return x;
  return ReflectionPadFunction::apply(x, pad[0], pad[1], pad[2], pad[3]);
}

}  // namespace comicgan::models
