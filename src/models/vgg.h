// The perceptual network of the training losses: a VGG19 prefix mapping an RGB image in [-1,1]
// to the feature map on which content (L1) and Gram style losses are computed. Two weight sets:
//  - the one comicgan ships (models/vgg19-relu3_1, embedded in the library): ImageNet VGG19 up to
//    relu3_1 in the Caffe layout (a 1x1 conv turns RGB [0,1] into mean-subtracted BGR x 255;
//    reflection padding);
//  - torchvision's full `vgg19` state_dict (features.N.weight keys) given with --vgg: ImageNet
//    mean/std normalisation, zero padding, features of conv4_4 before its ReLU as AnimeGAN uses.
// Channel counts are read from the weights, so a smaller network of the same shape loads too.
#pragma once

#include <torch/nn/module.h>

#include <memory>
#include <string>
#include <vector>

#include "io/named_tensors.h"

namespace comicgan::models {

class PerceptualNet : public torch::nn::Module {
 public:
  struct Layer {
    std::string key;  // the weight's name in the source state_dict without ".weight"
    bool reflect_pad = false;
    int64_t pad = 1;
    bool relu = true;
    bool pool_after = false;
  };
  // mean/std: per-channel normalisation applied to RGB in [0,1] before the first layer.
  PerceptualNet(const io::NamedTensors& state, std::vector<Layer> layers, std::vector<double> mean,
                std::vector<double> std, std::string description, const std::string& label);

  // image: (N,3,H,W) RGB in [-1,1]. Parameters never need gradients; the image may.
  at::Tensor forward(const at::Tensor& image);
  const std::string& description() const { return description_; }

 private:
  std::vector<Layer> layers_;
  std::vector<torch::nn::Conv2d> convs_;
  at::Tensor mean_, inv_std_;
  std::string description_;
};

// The shipped VGG19 up to relu3_1.
std::shared_ptr<PerceptualNet> default_perceptual_net();
// A VGG state_dict file: torchvision's vgg19 (features.*) or the shipped layout (conv1..conv6).
std::shared_ptr<PerceptualNet> load_perceptual_net(const std::string& path);
// The same from tensors already read; `label` names them in errors.
std::shared_ptr<PerceptualNet> perceptual_net_from_state(const io::NamedTensors& state,
                                                         const std::string& label);

}  // namespace comicgan::models
