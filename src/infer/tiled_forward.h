// Large pictures in bounded memory: the fast path run window by window. GroupNorm normalizes
// with whole-picture statistics, so every window uses the same per-layer statistics, gathered
// first by one untiled pass over a copy of the picture downscaled to the window's size (or
// given exactly); each window carries a halo at least as wide as the network's receptive
// field and starts on a multiple of 4, so convolutions, strides and upsampling see what they
// would see in the whole picture and the windows join without seams.
//
// Every window (and the statistics pass) has the same shape on purpose: oneDNN keeps prepared
// convolutions, with working memory sized to their input, per shape for the life of the
// process, so ragged windows would each add their own (measured: a 1920x1080 picture in
// ragged ~600 px tiles peaked at 2.5 GB, in windows of one shape at 0.7 GB).
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "infer/fast_generator.h"

namespace comicgan::infer {

// Estimated peak memory of one untiled fast-path run on an HxW input, in bytes (activations
// and oneDNN working memory; measured on the AnimeGANv2 generator at width 1).
double fast_path_bytes(int64_t height, int64_t width, at::ScalarType dtype);

// How a picture is cut: windows of window_h x window_w input pixels whose cores (the pixels
// each window writes) are core_h x core_w, on a rows x cols grid. The last window of a row or
// column is moved back inside the picture and overlaps its neighbour.
struct TilePlan {
  int64_t window_h = 0, window_w = 0, core_h = 0, core_w = 0, halo = 0, rows = 1, cols = 1;
};

// The grid computing the fewest pixels whose window fits `budget_bytes`; throws with the
// memory it would need when even small windows do not fit.
TilePlan plan_tiles(int64_t height, int64_t width, int64_t halo, double budget_bytes,
                    at::ScalarType dtype);
// Cores of at most `core` x `core` (a multiple of 4), for tests and experiments.
TilePlan fixed_tiles(int64_t height, int64_t width, int64_t core, int64_t halo);

// Per-layer statistics from an untiled run on the picture downscaled (area average) to
// height x width.
std::vector<Moments> estimate_statistics(FastGenerator& generator, const at::Tensor& photo,
                                         int64_t height, int64_t width);

// (1,3,H,W) -> (1,3,H,W), window by window, with the given whole-picture statistics. Exact
// (to float rounding) when plan.halo >= exact_halo(generator) and the statistics are the
// picture's own.
at::Tensor tiled_forward(FastGenerator& generator, const at::Tensor& photo, const TilePlan& plan,
                         const std::vector<Moments>& stats);

// The halo this generator needs: its receptive radius rounded up to a multiple of 4.
int64_t exact_halo(const FastGenerator& generator);

}  // namespace comicgan::infer
