#include "models/discriminator.h"

#include <torch/torch.h>

#include "comicgan/error.h"
#include "models/one_group_norm.h"
#include "models/spectral_norm_conv.h"

namespace comicgan::models {
namespace nn = torch::nn;

PatchDiscriminatorOptions PatchDiscriminatorOptions::from_json(const nlohmann::json& j) {
  PatchDiscriminatorOptions o;
  if (j.is_object()) {
    o.channels = j.value("channels", o.channels);
    o.layers = j.value("layers", o.layers);
    o.spectral_norm = j.value("spectral_norm", o.spectral_norm);
  } else {
    check(j.is_null(), "discriminator options must be a JSON object, found ", j.dump());
  }
  check(o.channels >= 2 && o.channels <= 1024 && o.channels % 2 == 0,
        "discriminator: channels must be even and in [2, 1024], found ", o.channels);
  check(o.layers >= 1 && o.layers <= 6, "discriminator: layers must be in [1, 6], found ",
        o.layers);
  return o;
}

nlohmann::json PatchDiscriminatorOptions::to_json() const {
  return {{"channels", channels}, {"layers", layers}, {"spectral_norm", spectral_norm}};
}

PatchDiscriminator::PatchDiscriminator(const PatchDiscriminatorOptions& options)
    : options_(options) {
  auto conv = [&](int64_t in, int64_t out, int64_t stride) {
    SpectralNormConvOptions c;
    c.in_channels = in;
    c.out_channels = out;
    c.kernel = 3;
    c.stride = stride;
    // TensorFlow's padding for the reference's conv(pad=1): stride 2 pads only top and left.
    c.pad = stride == 1 ? std::array<int64_t, 4>{1, 1, 1, 1} : std::array<int64_t, 4>{1, 0, 1, 0};
    c.spectral_norm = options_.spectral_norm;
    return SpectralNormConv2d(c);
  };
  auto lrelu = [] { return nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)); };
  // tf.contrib.layers.layer_norm: statistics over (C,H,W) per sample, a scale and shift per
  // channel — GroupNorm with one group.
  auto layer_norm = [](int64_t ch) { return OneGroupNorm(ch); };

  net_ = nn::Sequential();
  int64_t channel = options_.channels / 2;
  net_->push_back("conv_0", conv(3, channel, 1));
  net_->push_back("lrelu_0", lrelu());
  int64_t in = channel;
  for (int64_t i = 1; i < options_.layers; ++i) {
    auto n = std::to_string(i);
    net_->push_back("conv_s2_" + n, conv(in, channel * 2, 2));
    net_->push_back("lrelu_s2_" + n, lrelu());
    net_->push_back("conv_s1_" + n, conv(channel * 2, channel * 4, 1));
    net_->push_back("norm_" + n, layer_norm(channel * 4));
    net_->push_back("lrelu_s1_" + n, lrelu());
    in = channel * 4;
    channel *= 2;
  }
  net_->push_back("last_conv", conv(in, channel * 2, 1));
  net_->push_back("last_norm", layer_norm(channel * 2));
  net_->push_back("last_lrelu", lrelu());
  net_->push_back("logit", conv(channel * 2, 1, 1));
  register_module("net", net_);
}

at::Tensor PatchDiscriminator::forward(const at::Tensor& image) {
  check(image.dim() == 4 && image.size(1) == 3, "discriminator: expected input (N,3,H,W), found ",
        image.sizes());
  return net_->forward(image);
}

std::shared_ptr<Discriminator> make_discriminator(const std::string& architecture,
                                                  const nlohmann::json& options) {
  if (architecture == "animegan2")
    return std::make_shared<PatchDiscriminator>(PatchDiscriminatorOptions::from_json(options));
  fail("unknown discriminator architecture '", architecture, "' (known: animegan2)");
}

std::vector<std::string> discriminator_architectures() { return {"animegan2"}; }

}  // namespace comicgan::models
