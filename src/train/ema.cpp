#include "train/ema.h"

#include <torch/torch.h>

#include <algorithm>

#include "comicgan/error.h"

namespace comicgan::train {
namespace {

void check_same_architecture(const torch::nn::Module& a, const torch::nn::Module& b,
                             const char* message) {
  check(a.parameters().size() == b.parameters().size() && a.buffers().size() == b.buffers().size(),
        message);
}

void copy_tensors(const std::vector<at::Tensor>& to, const std::vector<at::Tensor>& from) {
  for (size_t i = 0; i < to.size(); ++i) to[i].copy_(from[i]);
}

}  // namespace

double ema_decay_at(double decay, int64_t step) {
  return std::min(decay, (1.0 + double(step)) / (10.0 + double(step)));
}

void ema_update(torch::nn::Module& average, const torch::nn::Module& model, double d) {
  if (d == 0.0) return copy_weights(average, model);  // exact, where lerp_ could round
  check_same_architecture(average, model,
                          "EMA: the average and the model have different architectures");
  torch::NoGradGuard no_grad;
  auto avg_params = average.parameters(), params = model.parameters();
  for (size_t i = 0; i < params.size(); ++i) avg_params[i].lerp_(params[i], 1.0 - d);
  copy_tensors(average.buffers(), model.buffers());
}

void copy_weights(torch::nn::Module& to, const torch::nn::Module& from) {
  check_same_architecture(to, from,
                          "copying weights: the two networks have different architectures");
  torch::NoGradGuard no_grad;
  copy_tensors(to.parameters(), from.parameters());
  copy_tensors(to.buffers(), from.buffers());
}

void copy_buffers(torch::nn::Module& to, const torch::nn::Module& from) {
  check(to.buffers().size() == from.buffers().size(),
        "copying buffers: the two networks have different architectures");
  torch::NoGradGuard no_grad;
  copy_tensors(to.buffers(), from.buffers());
}

}  // namespace comicgan::train
