#include "eval/feature_distance.h"

#include <torch/torch.h>

#include <cmath>

#include "comicgan/error.h"

namespace comicgan::eval {
namespace {

void check_features(const at::Tensor& a, const at::Tensor& b, const char* what, int64_t min_rows) {
  check(a.dim() == 2 && b.dim() == 2 && a.size(1) == b.size(1), what,
        ": expected two (N,D) feature sets of one width, found ", a.sizes(), " and ", b.sizes());
  check(a.size(0) >= min_rows && b.size(0) >= min_rows, what, ": needs at least ", min_rows,
        " pictures per set, found ", a.size(0), " and ", b.size(0));
}

at::Tensor covariance(const at::Tensor& x, const at::Tensor& mean) {
  auto centred = x - mean;
  return centred.t().matmul(centred) / double(x.size(0) - 1);
}

// The symmetric square root of a symmetric positive semi-definite matrix; eigenvalues that
// rounding pushed below zero count as zero.
at::Tensor psd_sqrt(const at::Tensor& s) {
  auto [values, vectors] = torch::linalg::eigh(s, "L");
  return (vectors * values.clamp_min(0).sqrt().unsqueeze(0)).matmul(vectors.t());
}

}  // namespace

double frechet_distance(const at::Tensor& mu1, const at::Tensor& sigma1, const at::Tensor& mu2,
                        const at::Tensor& sigma2) {
  auto m1 = mu1.to(at::kDouble), m2 = mu2.to(at::kDouble);
  auto s1 = sigma1.to(at::kDouble), s2 = sigma2.to(at::kDouble);
  auto root1 = psd_sqrt((s1 + s1.t()) / 2);
  auto middle = root1.matmul(s2).matmul(root1);
  auto eigen = torch::linalg::eigvalsh((middle + middle.t()) / 2, "L");
  double trace_sqrt = eigen.clamp_min(0).sqrt().sum().item<double>();
  double mean_term = (m1 - m2).pow(2).sum().item<double>();
  return mean_term + s1.trace().item<double>() + s2.trace().item<double>() - 2 * trace_sqrt;
}

double frechet_distance(const at::Tensor& a, const at::Tensor& b) {
  check_features(a, b, "FID", 2);
  auto x = a.to(at::kDouble), y = b.to(at::kDouble);
  auto mx = x.mean(0), my = y.mean(0);
  return frechet_distance(mx, covariance(x, mx), my, covariance(y, my));
}

double polynomial_mmd_unbiased(const at::Tensor& a, const at::Tensor& b) {
  check_features(a, b, "KID", 2);
  auto x = a.to(at::kDouble), y = b.to(at::kDouble);
  const double d = double(x.size(1));
  auto kernel = [d](const at::Tensor& p, const at::Tensor& q) {
    return (p.matmul(q.t()) / d + 1).pow(3);
  };
  const double m = double(x.size(0)), n = double(y.size(0));
  auto kxx = kernel(x, x), kyy = kernel(y, y), kxy = kernel(x, y);
  // Unbiased: the diagonals (a picture with itself) are left out of the within-set means.
  double xx = (kxx.sum() - kxx.diagonal().sum()).item<double>() / (m * (m - 1));
  double yy = (kyy.sum() - kyy.diagonal().sum()).item<double>() / (n * (n - 1));
  double xy = kxy.sum().item<double>() / (m * n);
  return xx + yy - 2 * xy;
}

KidResult kernel_inception_distance(const at::Tensor& a, const at::Tensor& b,
                                    const KidOptions& options) {
  check_features(a, b, "KID", 2);
  check(options.subsets >= 1 && options.subset_size >= 2, "KID: needs >= 1 subsets of >= 2");
  const int64_t size = std::min({options.subset_size, a.size(0), b.size(0)});
  auto gen = at::detail::createCPUGenerator(options.seed);
  std::vector<double> values;
  for (int s = 0; s < options.subsets; ++s) {
    auto ia = torch::randperm(a.size(0), gen, torch::kLong).slice(0, 0, size);
    auto ib = torch::randperm(b.size(0), gen, torch::kLong).slice(0, 0, size);
    values.push_back(polynomial_mmd_unbiased(a.index_select(0, ia), b.index_select(0, ib)));
  }
  KidResult r;
  for (double v : values) r.mean += v / double(values.size());
  for (double v : values) r.stddev += (v - r.mean) * (v - r.mean) / double(values.size());
  r.stddev = std::sqrt(r.stddev);
  return r;
}

}  // namespace comicgan::eval
