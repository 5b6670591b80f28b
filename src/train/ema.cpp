#include "train/ema.h"

#include <torch/torch.h>

#include <algorithm>

#include "comicgan/error.h"

namespace comicgan::train {

double ema_decay_at(double decay, int64_t step) {
  return std::min(decay, (1.0 + double(step)) / (10.0 + double(step)));
}

void ema_update(torch::nn::Module& average, const torch::nn::Module& model, double d) {
  torch::NoGradGuard no_grad;
  auto avg_params = average.parameters(), params = model.parameters();
  auto avg_buffers = average.buffers(), buffers = model.buffers();
  check(avg_params.size() == params.size() && avg_buffers.size() == buffers.size(),
        "EMA: the average and the model have different architectures");
  for (size_t i = 0; i < params.size(); ++i) {
    if (d == 0.0)
      avg_params[i].copy_(params[i]);  // exact, where lerp_ could round
    else
      avg_params[i].lerp_(params[i], 1.0 - d);
  }
  for (size_t i = 0; i < buffers.size(); ++i) avg_buffers[i].copy_(buffers[i]);
}

}  // namespace comicgan::train
