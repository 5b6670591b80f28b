#include "infer/tiled_forward.h"

#include <algorithm>
#include <cmath>

#include "comicgan/error.h"

namespace comicgan::infer {
namespace {

int64_t round_down4(double v) { return std::max<int64_t>(8, int64_t(v) / 4 * 4); }

}  // namespace

double fast_path_bytes(int64_t height, int64_t width, at::ScalarType dtype) {
  // At full resolution the live set peaks around the first layer after the last upsampling:
  // its 128-channel padded input, the 64-channel convolution output and the normalized copy,
  // plus oneDNN's working memory: ~2.3 KB per input pixel in fp32 at 512x512 (measured peak RSS
  // minus the process at rest), about half in bf16.
  const double per_pixel = dtype == at::kBFloat16 ? 1300.0 : 2400.0;
  return per_pixel * double(height) * double(width);
}

int64_t tile_side_for_budget(double budget_bytes, int64_t halo, at::ScalarType dtype) {
  double per_pixel = fast_path_bytes(1, 1, dtype);
  double side = std::sqrt(std::max(budget_bytes, 0.0) / per_pixel) - 2.0 * double(halo);
  check(side >= 16, "--max-memory ", budget_bytes / double(1 << 20), " MiB is too small for tiles with a ",
        halo, "-pixel halo; allow at least ",
        std::ceil(per_pixel * std::pow(16.0 + 2.0 * double(halo), 2) / double(1 << 20)), " MiB");
  return round_down4(side);
}

int64_t exact_halo(const FastGenerator& generator) { return (generator.receptive_radius() + 3) / 4 * 4; }

std::vector<Moments> estimate_statistics(FastGenerator& generator, const at::Tensor& photo, double max_pixels) {
  const int64_t h = photo.size(2), w = photo.size(3);
  double scale = std::min(1.0, std::sqrt(max_pixels / double(h * w)));
  at::Tensor small = photo;
  if (scale < 1.0) {
    std::array<int64_t, 2> size = {round_down4(double(h) * scale), round_down4(double(w) * scale)};
    small = at::adaptive_avg_pool2d(photo, size);
  }
  std::vector<Moments> stats;
  generator.forward(small, nullptr, nullptr, &stats);
  return stats;
}

at::Tensor tiled_forward(FastGenerator& generator, const at::Tensor& photo, int64_t tile, int64_t halo,
                         const std::vector<Moments>& stats) {
  check(tile >= 4 && tile % 4 == 0 && halo >= 0 && halo % 4 == 0,
        "tiles: tile and halo must be multiples of 4, found ", tile, " and ", halo);
  const int64_t h = photo.size(2), w = photo.size(3);
  at::Tensor out = at::empty({1, 3, h, w}, at::kFloat);
  TileContext ctx;
  ctx.full_height = h;
  ctx.full_width = w;
  ctx.stats = &stats;
  for (int64_t ty = 0; ty < h; ty += tile)
    for (int64_t tx = 0; tx < w; tx += tile) {
      // A tile whose halo would end just short of the picture takes the rest of it, so no
      // tile is narrower than the network can pad.
      int64_t y0 = std::max<int64_t>(0, ty - halo), x0 = std::max<int64_t>(0, tx - halo);
      int64_t y1 = std::min(h, ty + tile + halo), x1 = std::min(w, tx + tile + halo);
      if (h - y1 < 16) y1 = h;
      if (w - x1 < 16) x1 = w;
      ctx.origin_y = y0;
      ctx.origin_x = x0;
      at::Tensor crop = photo.slice(2, y0, y1).slice(3, x0, x1);
      at::Tensor y = generator.forward(crop, nullptr, &ctx);
      int64_t core_h = std::min(tile, h - ty), core_w = std::min(tile, w - tx);
      out.slice(2, ty, ty + core_h).slice(3, tx, tx + core_w)
          .copy_(y.slice(2, ty - y0, ty - y0 + core_h).slice(3, tx - x0, tx - x0 + core_w));
    }
  return out;
}

}  // namespace comicgan::infer
