// Sliced Wasserstein distance between two image sets on Laplacian-pyramid patches, as in Karras
// et al., "Progressive Growing of GANs" (2018): a style distance that needs no pretrained
// network. Each pyramid level contributes 7x7 RGB patches taken at random positions; the patches
// of each set are normalised per level and channel, projected on random unit directions, and the
// sorted projections of the two sets compared (the 1-D Wasserstein distance, averaged over
// directions and repeats). Reported x 1000 like the paper; 0 for identical sets.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace comicgan::eval {

struct SwdOptions {
  int patch_size = 7;
  int patches_per_image = 128;
  int directions = 128;  // per repeat
  int repeats = 4;
  int64_t min_resolution = 16;  // the coarsest pyramid level
  uint64_t seed = 1234;
};

struct SwdResult {
  std::vector<int64_t> resolutions;  // each level's side, finest first
  std::vector<double> per_level;     // SWD x 1e3 per level
  double mean = 0;                   // over levels
};

// (N,3,S,S) float images (any affine range; normalisation removes it), S a power-of-two multiple
// of min_resolution. The two sets may differ in size: each contributes the same number of
// patches, drawn from its images in turn.
SwdResult sliced_wasserstein_distance(const at::Tensor& a, const at::Tensor& b,
                                      const SwdOptions& options = {});

// The building blocks, exposed for the parity tests with the NumPy reference.
// Laplacian pyramid of `levels` levels (cv2.pyrDown/pyrUp with mirrored borders): band-pass
// levels finest first, the last one the remaining low-pass image.
std::vector<at::Tensor> laplacian_pyramid(const at::Tensor& images, int levels);
// Patches (P, C, size, size) around centres (y, x) of images `index` of a (N,C,H,W) level.
at::Tensor extract_patches(const at::Tensor& level, const at::Tensor& index, const at::Tensor& y,
                           const at::Tensor& x, int size);
// Per-channel zero mean, unit standard deviation over all patches and pixels; flattened (P, D).
at::Tensor normalize_patches(const at::Tensor& patches);
// Mean 1-D Wasserstein distance of (P,D) sets along the unit columns of `directions` (D, K).
double sliced_wasserstein(const at::Tensor& a, const at::Tensor& b, const at::Tensor& directions);

}  // namespace comicgan::eval
