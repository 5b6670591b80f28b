#include "eval/swd.h"

#include <torch/torch.h>

#include "comicgan/error.h"

namespace comicgan::eval {
namespace {

namespace F = torch::nn::functional;

// The 5x5 binomial kernel of cv2.pyrDown, one copy per channel for a depthwise convolution.
at::Tensor binomial_kernel(int64_t channels, double gain) {
  auto k1 = torch::tensor({1.0f, 4.0f, 6.0f, 4.0f, 1.0f});
  auto k2 = torch::outer(k1, k1) * (gain / 256.0);
  return k2.expand({channels, 1, 5, 5}).contiguous();
}

at::Tensor blur(const at::Tensor& x, double gain, int64_t stride) {
  auto padded = F::pad(x, F::PadFuncOptions({2, 2, 2, 2}).mode(torch::kReflect));
  return F::conv2d(padded, binomial_kernel(x.size(1), gain),
                   F::Conv2dFuncOptions().stride(stride).groups(x.size(1)));
}

at::Tensor pyr_down(const at::Tensor& x) { return blur(x, 1.0, 2); }

at::Tensor pyr_up(const at::Tensor& x) {
  auto up = torch::zeros({x.size(0), x.size(1), x.size(2) * 2, x.size(3) * 2}, x.options());
  up.slice(2, 0, c10::nullopt, 2).slice(3, 0, c10::nullopt, 2).copy_(x);
  return blur(up, 4.0, 1);
}

}  // namespace

std::vector<at::Tensor> laplacian_pyramid(const at::Tensor& images, int levels) {
  check(images.dim() == 4, "laplacian_pyramid: expected (N,C,H,W), found ", images.sizes());
  std::vector<at::Tensor> pyramid{images.to(at::kFloat).contiguous()};
  for (int i = 1; i < levels; ++i) {
    pyramid.push_back(pyr_down(pyramid.back()));
    pyramid[i - 1] = pyramid[i - 1] - pyr_up(pyramid[i]);
  }
  return pyramid;
}

at::Tensor extract_patches(const at::Tensor& level, const at::Tensor& index, const at::Tensor& y,
                           const at::Tensor& x, int size) {
  const int64_t half = size / 2;
  auto offsets = torch::arange(-half, half + 1, torch::kLong);
  auto rows = (y.view({-1, 1}) + offsets.view({1, -1}));  // (P, size)
  auto cols = (x.view({-1, 1}) + offsets.view({1, -1}));
  check(rows.min().item<int64_t>() >= 0 && rows.max().item<int64_t>() < level.size(2) &&
            cols.min().item<int64_t>() >= 0 && cols.max().item<int64_t>() < level.size(3),
        "extract_patches: a patch reaches outside the ", level.size(2), "x", level.size(3),
        " level");
  // level[index][:, rows][:, :, cols] gathered as (P, C, size, size).
  auto per_image = level.index_select(0, index);  // (P, C, H, W)
  auto picked_rows = per_image.gather(
      2, rows.view({-1, 1, size, 1}).expand({-1, level.size(1), size, level.size(3)}));
  return picked_rows.gather(3, cols.view({-1, 1, 1, size}).expand({-1, level.size(1), size, size}));
}

at::Tensor normalize_patches(const at::Tensor& patches) {
  auto p = patches.to(at::kDouble);
  auto mean = p.mean({0, 2, 3}, true);
  // np.std: the population standard deviation.
  auto std = (p - mean).pow(2).mean({0, 2, 3}, true).sqrt().clamp_min(1e-12);
  return ((p - mean) / std).reshape({p.size(0), -1}).to(at::kFloat);
}

double sliced_wasserstein(const at::Tensor& a, const at::Tensor& b, const at::Tensor& directions) {
  check(a.dim() == 2 && a.sizes() == b.sizes() && directions.size(0) == a.size(1),
        "sliced_wasserstein: expected two (P,D) sets of one shape and (D,K) directions, found ",
        a.sizes(), ", ", b.sizes(), ", ", directions.sizes());
  auto dirs = directions.to(at::kDouble);
  dirs = dirs / dirs.pow(2).sum(0, true).sqrt();
  auto pa = std::get<0>(a.to(at::kDouble).matmul(dirs).sort(0));
  auto pb = std::get<0>(b.to(at::kDouble).matmul(dirs).sort(0));
  return (pa - pb).abs().mean().item<double>();
}

SwdResult sliced_wasserstein_distance(const at::Tensor& a, const at::Tensor& b,
                                      const SwdOptions& o) {
  check(a.dim() == 4 && b.dim() == 4 && a.size(1) == b.size(1) &&
            a.sizes().slice(2) == b.sizes().slice(2),
        "SWD: expected two (N,C,H,W) sets of one picture size, found ", a.sizes(), " and ",
        b.sizes());
  check(a.size(0) > 0 && b.size(0) > 0, "SWD: an image set is empty");
  const int64_t side = a.size(2);
  check(a.size(3) == side, "SWD: expected square pictures, found ", a.size(3), "x", side);
  int levels = 1;
  for (int64_t s = side; s / 2 >= o.min_resolution && s % 2 == 0; s /= 2) ++levels;
  check(side >> (levels - 1) >= o.min_resolution && o.patch_size % 2 == 1 &&
            o.patch_size < o.min_resolution,
        "SWD: pictures of side ", side, " are too small for ", o.patch_size, "x", o.patch_size,
        " patches at ", o.min_resolution, " px");

  const int64_t n_patches = o.patches_per_image * std::max(a.size(0), b.size(0));
  const int64_t half = o.patch_size / 2;
  auto pyramid_a = laplacian_pyramid(a, levels);
  auto pyramid_b = laplacian_pyramid(b, levels);
  SwdResult result;
  for (int level = 0; level < levels; ++level) {
    const int64_t res = side >> level;
    // One stream of positions per level, the same for both sets: a set against itself gives 0.
    auto gen = at::detail::createCPUGenerator(o.seed + uint64_t(level));
    auto ys = torch::randint(half, res - half, {n_patches}, gen, torch::kLong);
    auto xs = torch::randint(half, res - half, {n_patches}, gen, torch::kLong);
    auto turn = torch::arange(n_patches, torch::kLong);
    auto da = normalize_patches(
        extract_patches(pyramid_a[level], turn.remainder(a.size(0)), ys, xs, o.patch_size));
    auto db = normalize_patches(
        extract_patches(pyramid_b[level], turn.remainder(b.size(0)), ys, xs, o.patch_size));
    double sum = 0;
    for (int r = 0; r < o.repeats; ++r)
      sum += sliced_wasserstein(da, db, torch::randn({da.size(1), o.directions}, gen));
    result.resolutions.push_back(res);
    result.per_level.push_back(sum / o.repeats * 1e3);
  }
  for (double d : result.per_level) result.mean += d / double(levels);
  return result;
}

}  // namespace comicgan::eval
