#include "models/reflection_pad.h"

#include <torch/torch.h>

#include "comicgan/error.h"

namespace comicgan::models {
namespace F = torch::nn::functional;

namespace {
// Mirrors `before` and `after` rows or columns of dimension `dim` (edges not repeated).
at::Tensor reflect_dim(const at::Tensor& x, int64_t dim, int64_t before, int64_t after) {
  if (before == 0 && after == 0) return x;
  const int64_t n = x.size(dim);
  std::vector<at::Tensor> parts;
  if (before > 0) parts.push_back(x.narrow(dim, 1, before).flip({dim}));
  parts.push_back(x);
  if (after > 0) parts.push_back(x.narrow(dim, n - 1 - after, after).flip({dim}));
  return torch::cat(parts, dim);
}
}  // namespace

at::Tensor reflection_pad(const at::Tensor& x, const std::array<int64_t, 4>& pad) {
  check(x.dim() == 4, "reflection pad: expected (N,C,H,W), found ", x.sizes());
  check(pad[0] < x.size(3) && pad[1] < x.size(3) && pad[2] < x.size(2) && pad[3] < x.size(2),
        "reflection pad: padding ", pad[0], ",", pad[1], ",", pad[2], ",", pad[3],
        " must be smaller than the picture's ", x.size(3), "x", x.size(2));
  if (x.scalar_type() != at::kBFloat16)
    return F::pad(x, F::PadFuncOptions({pad[0], pad[1], pad[2], pad[3]}).mode(torch::kReflect));
  return reflect_dim(reflect_dim(x, 3, pad[0], pad[1]), 2, pad[2], pad[3]);
}

}  // namespace comicgan::models
