// An in-memory BatchSource for training tests: smooth random "photos" and flat-coloured,
// hard-edged "style" images (with their grayscale and blurred versions), each batch a pure
// function of (seed, step) like the real loaders.
#pragma once

#include <torch/torch.h>

#include <set>

#include "data/batch_source.h"

namespace comicgan::testing {

class SyntheticBatches : public data::BatchSource {
 public:
  SyntheticBatches(int64_t batch, int64_t size, uint64_t seed = 7)
      : batch_(batch), size_(size), seed_(seed) {}

  data::TrainingBatch batch(int64_t step) override {
    torch::NoGradGuard no_grad;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed_ * 1000003 + uint64_t(step));
    const int64_t s = size_, low = std::max<int64_t>(2, size_ / 8);
    data::TrainingBatch b;
    // Photos: low-frequency colour fields, upsampled smoothly.
    auto coarse = at::rand({batch_, 3, low, low}, gen) * 2 - 1;
    b.photo =
        torch::nn::functional::interpolate(coarse, torch::nn::functional::InterpolateFuncOptions()
                                                       .size(std::vector<int64_t>{s, s})
                                                       .mode(torch::kBilinear)
                                                       .align_corners(false));
    // Style: flat patches of saturated colours with hard edges (nearest upsampling).
    auto palette = (at::rand({batch_, 3, 4, 4}, gen) > 0.5).to(torch::kFloat) * 1.6 - 0.8;
    b.style =
        torch::nn::functional::interpolate(palette, torch::nn::functional::InterpolateFuncOptions()
                                                        .size(std::vector<int64_t>{s, s})
                                                        .mode(torch::kNearest));
    auto gray = (b.style * torch::tensor({0.299f, 0.587f, 0.114f}).view({1, 3, 1, 1}))
                    .sum(1, true)
                    .repeat({1, 3, 1, 1});
    b.style_gray = gray;
    b.style_smooth = torch::avg_pool2d(b.style, 5, 1, 2, false, false);
    if (poison_.count(step)) {
      poison_.erase(step);  // only the first time: the guard's replay then succeeds
      b.photo = b.photo.clone();
      b.photo.view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
    }
    return b;
  }

  // The first request for `step` returns a photo with a NaN pixel.
  void poison_step(int64_t step) { poison_.insert(step); }

 private:
  int64_t batch_, size_;
  uint64_t seed_;
  std::set<int64_t> poison_;
};

}  // namespace comicgan::testing
