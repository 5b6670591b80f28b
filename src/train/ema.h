// An exponential moving average of a network's weights. Averaging over the last few thousand
// steps removes much of the step-to-step flicker of GAN training, so samples and the exported
// model come from the average, not from the raw generator. Also the plain weight copies the
// average starts from and mixed-precision training makes each step.
#pragma once

#include <torch/nn/module.h>

#include <cstdint>

namespace comicgan::train {

// The decay used at `step` (0-based): min(decay, (1 + step) / (10 + step)), so that early on
// the average follows the fast-changing weights instead of remembering the random start.
double ema_decay_at(double decay, int64_t step);

// average = d * average + (1 - d) * model, parameter by parameter and buffer by buffer (same
// architecture required); d = 0 copies the model.
void ema_update(torch::nn::Module& average, const torch::nn::Module& model, double d);

// Copies every parameter and buffer of `from` into `to` (same architecture required; values are
// converted where the dtypes differ, e.g. into a bf16 copy).
void copy_weights(torch::nn::Module& to, const torch::nn::Module& from);

// Copies the buffers only (e.g. spectral-norm vectors).
void copy_buffers(torch::nn::Module& to, const torch::nn::Module& from);

}  // namespace comicgan::train
