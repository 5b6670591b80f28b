// Channels-last (NHWC) computing for the bf16 training step: oneDNN's bf16 convolutions and
// comicgan's GroupNorm and reflection padding run faster in it than in NCHW (bench/RESULTS.md).
// Every tensor of the step must then stay channels_last, gradients included: an elementwise
// backward (LeakyReLU's, for one) over one NCHW and one channels_last tensor runs 5x slower than
// over two of either (measured, 4x64x256x256 bf16).
#pragma once

#include <ATen/Tensor.h>
#include <torch/nn/module.h>

namespace comicgan::train {

// Converts a network to bf16 with channels_last 4-D weights (a later copy_ into them keeps that).
void to_bf16_channels_last(torch::nn::Module& net);

// The identity, whose backward hands on the gradient as a channels_last tensor. For a network's
// output: the losses' gradients (slices, reshapes) arrive as NCHW tensors.
at::Tensor channels_last_gradient(const at::Tensor& x);

}  // namespace comicgan::train
