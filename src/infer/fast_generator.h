// The fast CPU inference path of the AnimeGANv2 generator: a plan prepared once per loaded
// model (weights converted to the run precision and channels_last once), run with oneDNN
// convolutions in channels_last and the fused kernels of fused_kernels.h for everything between
// them (GroupNorm + LeakyReLU + residual + the next layer's reflection padding in one pass).
// It computes what models::AnimeGAN2Generator::forward computes, to 1e-4 in fp32.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "infer/fused_kernels.h"
#include "models/generator.h"

namespace comicgan::infer {

// Seconds spent per kind of layer, accumulated over calls (for `comicgan bench`).
struct LayerTimes {
  double conv = 0, norm_act_pad = 0, upsample = 0, input_output = 0;
  struct Convolution {
    std::string what;  // e.g. "3x3 128->128 /1 g1 at 256x256"
    double seconds = 0, gflop = 0;
  };
  std::vector<Convolution> convolutions;
  double total() const { return conv + norm_act_pad + upsample + input_output; }
};

// Where a tile lies in the whole picture, and the whole picture's GroupNorm statistics, so
// tiles computed one at a time join without seams (see tiled_forward.h).
struct TileContext {
  int64_t full_height = 0, full_width = 0;  // the whole (padded) picture
  int64_t origin_y = 0, origin_x = 0;       // multiples of 4
  const std::vector<Moments>* stats = nullptr;  // one per normalization, in plan order
};

class FastGenerator {
 public:
  // Throws comicgan::Error if `generator` is not an architecture this path knows.
  FastGenerator(const models::Generator& generator, at::ScalarType dtype);
  ~FastGenerator();

  static bool supports(const models::Generator& generator);

  // (1,3,H,W) float in [-1,1] -> (1,3,H,W) float, H and W as the module would accept them.
  // `stats_out`, when given, receives the statistics of every normalization.
  at::Tensor forward(const at::Tensor& photo, LayerTimes* times = nullptr,
                     const TileContext* tile = nullptr, std::vector<Moments>* stats_out = nullptr);

  int64_t normalization_count() const;
  // Multiply-accumulates x2 for an HxW input (what GFLOP/s figures divide by).
  double flops(int64_t height, int64_t width) const;
  at::ScalarType dtype() const { return dtype_; }

  struct Plan;

 private:
  std::unique_ptr<Plan> plan_;
  at::ScalarType dtype_;
};

}  // namespace comicgan::infer
