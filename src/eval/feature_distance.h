// Distances between two sets of feature vectors (one row per picture), as used for FID and KID.
// Pure tensor maths, independent of which network produced the features.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace comicgan::eval {

// Fréchet distance between the Gaussians fitted to two feature sets (N,D) and (M,D), each with
// at least two rows: |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)), covariances with N-1 (as
// numpy.cov). The trace of the square root is taken from the symmetric positive semi-definite
// S1^(1/2) S2 S1^(1/2), which has the same eigenvalues as S1 S2, in double precision.
double frechet_distance(const at::Tensor& a, const at::Tensor& b);
double frechet_distance(const at::Tensor& mu1, const at::Tensor& sigma1, const at::Tensor& mu2,
                        const at::Tensor& sigma2);

struct KidOptions {
  int subsets = 100;
  int64_t subset_size = 1000;  // reduced to the smaller set's size when that is smaller
  uint64_t seed = 123;
};

struct KidResult {
  double mean = 0;
  double stddev = 0;  // over the subsets
};

// Kernel Inception Distance (Bińkowski et al. 2018): the unbiased estimate of MMD^2 with the
// polynomial kernel k(x,y) = (x.y / D + 1)^3, averaged over random subsets drawn without
// replacement from each set.
KidResult kernel_inception_distance(const at::Tensor& a, const at::Tensor& b,
                                    const KidOptions& options = {});
// The unbiased MMD^2 of two whole sets (one subset), exposed for the parity test.
double polynomial_mmd_unbiased(const at::Tensor& a, const at::Tensor& b);

}  // namespace comicgan::eval
