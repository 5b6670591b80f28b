#include "infer/tiled_forward.h"

#include <algorithm>
#include <cmath>

#include "comicgan/error.h"

namespace comicgan::infer {
namespace {

int64_t round_up4(int64_t v) { return (v + 3) / 4 * 4; }

// One axis of the grid: `parts` cores of a multiple of 4, each window adding the halo on both
// sides plus n % 4, so that every window, the last one moved back included, starts on a
// multiple of 4 and all have one size.
struct Axis {
  int64_t window = 0, core = 0;
};
Axis split_axis(int64_t n, int64_t parts, int64_t core_limit, int64_t halo) {
  Axis a;
  a.core = parts == 1 ? round_up4(n) : round_up4((n + parts - 1) / parts);
  if (core_limit > 0) a.core = std::min(a.core, core_limit);
  a.window = a.core + 2 * halo + n % 4;
  if (a.window >= n) a.window = n, a.core = round_up4(n);
  return a;
}

}  // namespace

double fast_path_bytes(int64_t height, int64_t width, at::ScalarType dtype) {
  // At full resolution the live set peaks around the first layer after the last upsampling:
  // its 128-channel padded input, the 64-channel convolution output and the normalized copy,
  // plus oneDNN's working memory. fp32 runs its 3x3 convolutions as Winograd, whose transformed
  // copies dominate: peak RSS grew 4.76 KB per input pixel from 512x512 to 1920x1080, taken with
  // margin as 5.6 KB. bf16 (direct convolutions): 1.3 KB.
  const double per_pixel = dtype == at::kBFloat16 ? 1300.0 : 5600.0;
  return per_pixel * double(height) * double(width);
}

TilePlan plan_tiles(int64_t height, int64_t width, int64_t halo, double budget_bytes,
                    at::ScalarType dtype) {
  TilePlan best;
  double best_cost = 0;
  auto consider = [&](int64_t rows, int64_t cols) {
    Axis v = split_axis(height, rows, 0, halo), h = split_axis(width, cols, 0, halo);
    if (fast_path_bytes(v.window, h.window, dtype) > budget_bytes) return;
    const int64_t r = (height + v.core - 1) / v.core, c = (width + h.core - 1) / h.core;
    double cost = double(r * c) * double(v.window * h.window);
    if (best.rows * best.cols == 0 || cost < best_cost) {
      best = {v.window, h.window, v.core, h.core, halo, r, c};
      best_cost = cost;
    }
  };
  best.rows = best.cols = 0;
  const int64_t max_rows = std::max<int64_t>(1, height / 8),
                max_cols = std::max<int64_t>(1, width / 8);
  for (int64_t rows = 1; rows <= std::min<int64_t>(max_rows, 256); ++rows)
    for (int64_t cols = 1; cols <= std::min<int64_t>(max_cols, 256); ++cols) consider(rows, cols);
  if (best.rows == 0) {
    const double side = 16.0 + 2.0 * double(halo);
    fail_option("max_memory", std::floor(budget_bytes / double(1 << 20)),
                " MiB (after what the process already uses) ", "is too small for tiles with a ",
                halo, "-pixel halo; allow about ",
                std::ceil(fast_path_bytes(int64_t(side), int64_t(side), dtype) / double(1 << 20)),
                " MiB more");
  }
  return best;
}

TilePlan fixed_tiles(int64_t height, int64_t width, int64_t core, int64_t halo) {
  check(core >= 4 && core % 4 == 0 && halo >= 0 && halo % 4 == 0,
        "tiles: core and halo must be multiples of 4, found ", core, " and ", halo);
  Axis v = split_axis(height, 1, core, halo), h = split_axis(width, 1, core, halo);
  return {v.window,
          h.window,
          v.core,
          h.core,
          halo,
          (height + v.core - 1) / v.core,
          (width + h.core - 1) / h.core};
}

int64_t exact_halo(const FastGenerator& generator) {
  return round_up4(generator.receptive_radius());
}

std::vector<Moments> estimate_statistics(FastGenerator& generator, const at::Tensor& photo,
                                         int64_t height, int64_t width) {
  at::Tensor small = photo;
  if (height != photo.size(2) || width != photo.size(3)) {
    std::array<int64_t, 2> size = {height, width};
    small = at::adaptive_avg_pool2d(photo, size);
  }
  std::vector<Moments> stats;
  generator.forward(small, nullptr, nullptr, &stats);
  return stats;
}

at::Tensor tiled_forward(FastGenerator& generator, const at::Tensor& photo, const TilePlan& plan,
                         const std::vector<Moments>& stats) {
  const int64_t h = photo.size(2), w = photo.size(3);
  check(plan.window_h <= h && plan.window_w <= w && plan.core_h >= 4 && plan.core_w >= 4,
        "tiles: a ", plan.window_w, "x", plan.window_h, " window does not fit a ", w, "x", h,
        " picture");
  at::Tensor out = at::empty({1, 3, h, w}, at::kFloat);
  TileContext ctx;
  ctx.full_height = h;
  ctx.full_width = w;
  ctx.stats = &stats;
  for (int64_t ty = 0; ty < h; ty += plan.core_h)
    for (int64_t tx = 0; tx < w; tx += plan.core_w) {
      // The window starts a halo before its core, but never past where a whole window still
      // fits; both are multiples of 4 (split_axis sizes windows so).
      const int64_t y0 = std::min(std::max<int64_t>(0, ty - plan.halo), h - plan.window_h);
      const int64_t x0 = std::min(std::max<int64_t>(0, tx - plan.halo), w - plan.window_w);
      ctx.origin_y = y0;
      ctx.origin_x = x0;
      at::Tensor window = photo.slice(2, y0, y0 + plan.window_h).slice(3, x0, x0 + plan.window_w);
      at::Tensor y = generator.forward(window, nullptr, &ctx);
      const int64_t core_h = std::min(plan.core_h, h - ty), core_w = std::min(plan.core_w, w - tx);
      out.slice(2, ty, ty + core_h)
          .slice(3, tx, tx + core_w)
          .copy_(y.slice(2, ty - y0, ty - y0 + core_h).slice(3, tx - x0, tx - x0 + core_w));
    }
  return out;
}

}  // namespace comicgan::infer
