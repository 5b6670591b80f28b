#include "eval/discriminator_verdict.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "comicgan/error.h"
#include "eval/image_set.h"

namespace comicgan::eval {

std::vector<double> score_pictures(const Scorer& scorer, const std::vector<Image>& pictures,
                                   int batch) {
  check(batch >= 1, "discriminator batch must be >= 1");
  std::vector<double> scores;
  c10::InferenceMode guard;
  for (size_t begin = 0; begin < pictures.size(); begin += size_t(batch)) {
    size_t end = std::min(pictures.size(), begin + size_t(batch));
    at::Tensor out = scorer(pictures_to_batch(pictures, begin, end));
    check(out.dim() >= 1 && out.size(0) == int64_t(end - begin),
          "discriminator: expected one output per picture, found ", out.sizes());
    at::Tensor per_picture = out.reshape({out.size(0), -1}).to(at::kDouble).mean(1);
    for (int64_t i = 0; i < per_picture.size(0); ++i)
      scores.push_back(per_picture[i].item<double>());
  }
  return scores;
}

DiscriminatorVerdict summarize_verdict(
    const std::string& source, const std::vector<std::pair<std::string, std::vector<double>>>& sets,
    int bins) {
  check(bins >= 1, "histogram needs at least one bin");
  DiscriminatorVerdict v;
  v.source = source;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& [label, scores] : sets)
    for (double s : scores) lo = std::min(lo, s), hi = std::max(hi, s);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi - lo < 1e-9) lo -= 0.5, hi += 0.5;  // all equal: one visible bin around them
  for (int i = 0; i <= bins; ++i) v.bin_edges.push_back(lo + (hi - lo) * i / bins);
  for (const auto& [label, scores] : sets) {
    SetVerdict s;
    s.label = label;
    s.scores = scores;
    s.histogram.assign(size_t(bins), 0);
    const double n = double(std::max<size_t>(scores.size(), 1));
    for (double x : scores) {
      s.mean += x / n;
      s.mean_probability += 1.0 / (1.0 + std::exp(-x)) / n;
      int bin = int((x - lo) / (hi - lo) * bins);
      s.histogram[size_t(std::clamp(bin, 0, bins - 1))]++;
    }
    for (double x : scores) s.stddev += (x - s.mean) * (x - s.mean) / n;
    s.stddev = std::sqrt(s.stddev);
    v.sets.push_back(std::move(s));
  }
  return v;
}

}  // namespace comicgan::eval
