// Large pictures in bounded memory: the fast path run tile by tile. GroupNorm normalizes with
// whole-picture statistics, so every tile uses the same per-layer statistics, gathered first by
// one untiled pass over a downscaled copy that fits the budget (or given exactly); each tile
// carries a halo wider than the network's receptive field and starts on a multiple of 4, so
// convolutions, strides and upsampling see what they would see in the whole picture.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "infer/fast_generator.h"

namespace comicgan::infer {

// Estimated peak memory of one untiled fast-path run on an HxW input, in bytes (activations
// only; measured on the AnimeGANv2 generator at width 1).
double fast_path_bytes(int64_t height, int64_t width, at::ScalarType dtype);

// The largest tile side (multiple of 4) whose run with `halo` fits in `budget_bytes`.
int64_t tile_side_for_budget(double budget_bytes, int64_t halo, at::ScalarType dtype);

// Per-layer statistics from an untiled run on the picture downscaled (area average) to at most
// `max_pixels`, keeping sides multiples of 4.
std::vector<Moments> estimate_statistics(FastGenerator& generator, const at::Tensor& photo, double max_pixels);

// (1,3,H,W) -> (1,3,H,W) in tiles of `tile` x `tile` output pixels (a multiple of 4), each
// computed with a halo of `halo` pixels (a multiple of 4, >= receptive_radius() for exact
// results) and the given whole-picture statistics.
at::Tensor tiled_forward(FastGenerator& generator, const at::Tensor& photo, int64_t tile, int64_t halo,
                         const std::vector<Moments>& stats);

// The halo this generator needs: its receptive radius rounded up to a multiple of 4.
int64_t exact_halo(const FastGenerator& generator);

}  // namespace comicgan::infer
