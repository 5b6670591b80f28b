// VGG19 up to relu3_1 (the network in shared/models/vgg19-relu3_1: a 1x1 colour conversion to
// Caffe's BGR-minus-mean, then conv1_1 .. conv3_1 with reflection padding and ReLU), for the
// content distance between a photo and its stylized version: the mean absolute difference of
// their relu3_1 features, the content loss AnimeGAN trains with (at a shallower layer).
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "io/named_tensors.h"

namespace comicgan::eval {

class VggRelu31 {
 public:
  VggRelu31(const io::NamedTensors& state_dict, std::string label);
  static VggRelu31 load(const std::string& checkpoint_path);

  // (N,3,H,W) RGB in [0,1] -> (N,256,H/4,W/4) relu3_1 features.
  at::Tensor features(const at::Tensor& images01) const;
  // Mean |features(a) - features(b)| per picture pair: (N,) for two (N,3,H,W) batches in [0,1].
  at::Tensor distance(const at::Tensor& a01, const at::Tensor& b01) const;
  const std::string& label() const { return label_; }

 private:
  std::vector<at::Tensor> weights_, biases_;  // conv1 .. conv6
  std::string label_;
};

// The VGG weights to use when the user names none: $COMICGAN_VGG, then the copy shared with the
// project (shared/models/vgg19-relu3_1 beside the source tree). "" when none is there.
std::string default_vgg_path();

}  // namespace comicgan::eval
