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
  int64_t full_height = 0, full_width = 0;      // the whole (padded) picture
  int64_t origin_y = 0, origin_x = 0;           // multiples of 4
  const std::vector<Moments>* stats = nullptr;  // one per normalization, in plan order
};

// How the fast path computes its convolutions: choices for comparing them (`comicgan bench
// --conv aten --no-winograd`); every choice computes the same network, to ~1e-4 in fp32.
struct FastPathOptions {
  enum class Conv {
    kDnnl,  // oneDNN called directly (packed_conv.h) where this build has it, else at::conv2d
    kAten,  // at::conv2d always
  };
  Conv conv = Conv::kDnnl;
  // With oneDNN: its Winograd kernel for the fp32 3x3 stride-1 convolutions where the CPU has
  // one (faster, more memory); off: direct convolutions only.
  bool winograd = true;
};

class FastGenerator {
 public:
  // Throws comicgan::Error if `generator` is not an architecture this path knows.
  FastGenerator(const models::Generator& generator, at::ScalarType dtype,
                const FastPathOptions& options = {});
  ~FastGenerator();

  static bool supports(const models::Generator& generator);

  // (1,3,H,W) float in [-1,1] -> (1,3,H,W) float, H and W as the module would accept them.
  // `stats_out`, when given, receives the statistics of every normalization.
  at::Tensor forward(const at::Tensor& photo, LayerTimes* times = nullptr,
                     const TileContext* tile = nullptr, std::vector<Moments>* stats_out = nullptr);

  int64_t normalization_count() const;
  // How far (in input pixels) an output pixel sees: the halo a tile needs to be exact.
  int64_t receptive_radius() const;
  // Multiply-accumulates x2 for an HxW input (what GFLOP/s figures divide by).
  double flops(int64_t height, int64_t width) const;
  at::ScalarType dtype() const { return dtype_; }
  // What the plan was built with: "dnnl" (oneDNN called directly) or "aten" (at::conv2d).
  const char* conv_backend() const;
  // Convolutions whose oneDNN primitives, made by forward() calls so far, use Winograd.
  int winograd_convolutions() const;

  struct Plan;

 private:
  std::unique_ptr<Plan> plan_;
  at::ScalarType dtype_;
};

}  // namespace comicgan::infer
