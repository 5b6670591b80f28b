#include "models/animegan2.h"

#include <torch/torch.h>

#include <cmath>

#include "comicgan/error.h"
#include "models/one_group_norm.h"
#include "models/reflection_pad.h"

namespace comicgan::models {
namespace nn = torch::nn;
using Pad = std::array<int64_t, 4>;

AnimeGAN2Options AnimeGAN2Options::from_json(const nlohmann::json& j) {
  AnimeGAN2Options o;
  if (j.is_object()) {
    o.align_corners = j.value("align_corners", o.align_corners);
    o.width = j.value("width", o.width);
  }
  check(o.width > 0.0 && o.width <= 4.0, "animegan2: width must be in (0, 4], found ", o.width);
  return o;
}

nlohmann::json AnimeGAN2Options::to_json() const {
  return {{"align_corners", align_corners}, {"width", width}};
}

ConvNormLReLUImpl::ConvNormLReLUImpl(int64_t in_ch, int64_t out_ch, int64_t kernel, int64_t stride,
                                     std::array<int64_t, 4> pad, int64_t groups, bool bias) {
  push_back(ReflectionPad(pad));
  push_back(nn::Conv2d(nn::Conv2dOptions(in_ch, out_ch, kernel)
                           .stride(stride)
                           .padding(0)
                           .groups(groups)
                           .bias(bias)));
  push_back(OneGroupNorm(out_ch));
  push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
}

InvertedResBlockImpl::InvertedResBlockImpl(int64_t in_ch, int64_t out_ch, double expansion_ratio)
    : use_res_connect(in_ch == out_ch) {
  auto bottleneck = int64_t(std::lround(double(in_ch) * expansion_ratio));
  layers = nn::Sequential();
  if (expansion_ratio != 1.0)
    layers->push_back(ConvNormLReLU(in_ch, bottleneck, 1, 1, Pad{0, 0, 0, 0}));
  layers->push_back(ConvNormLReLU(bottleneck, bottleneck, 3, 1, Pad{1, 1, 1, 1}, bottleneck, true));
  layers->push_back(nn::Conv2d(nn::Conv2dOptions(bottleneck, out_ch, 1).padding(0).bias(false)));
  layers->push_back(OneGroupNorm(out_ch));
  register_module("layers", layers);
}

at::Tensor InvertedResBlockImpl::forward(const at::Tensor& x) {
  auto out = layers->forward(x);
  return use_res_connect ? x + out : out;
}

AnimeGAN2Generator::AnimeGAN2Generator(const AnimeGAN2Options& options) : options_(options) {
  auto c = [&](int64_t channels) {
    return std::max<int64_t>(1, std::lround(channels * options_.width));
  };
  const Pad down = {0, 1, 0, 1};  // stride-2 layers pad right and bottom only
  block_a =
      register_module("block_a", nn::Sequential(ConvNormLReLU(3, c(32), 7, 1, Pad{3, 3, 3, 3}),
                                                ConvNormLReLU(c(32), c(64), 3, 2, down),
                                                ConvNormLReLU(c(64), c(64))));
  block_b = register_module("block_b", nn::Sequential(ConvNormLReLU(c(64), c(128), 3, 2, down),
                                                      ConvNormLReLU(c(128), c(128))));
  block_c = register_module(
      "block_c",
      nn::Sequential(ConvNormLReLU(c(128), c(128)), InvertedResBlock(c(128), c(256), 2),
                     InvertedResBlock(c(256), c(256), 2), InvertedResBlock(c(256), c(256), 2),
                     InvertedResBlock(c(256), c(256), 2), ConvNormLReLU(c(256), c(128))));
  block_d = register_module(
      "block_d", nn::Sequential(ConvNormLReLU(c(128), c(128)), ConvNormLReLU(c(128), c(128))));
  block_e = register_module(
      "block_e", nn::Sequential(ConvNormLReLU(c(128), c(64)), ConvNormLReLU(c(64), c(64)),
                                ConvNormLReLU(c(64), c(32), 7, 1, Pad{3, 3, 3, 3})));
  out_layer = register_module(
      "out_layer", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(c(32), 3, 1).padding(0).bias(false)),
                                  nn::Tanh()));
}

at::Tensor AnimeGAN2Generator::forward(const at::Tensor& photo) {
  namespace F = torch::nn::functional;
  check(photo.dim() == 4 && photo.size(1) == 3, "animegan2: expected input (N,3,H,W), found ",
        photo.sizes());
  check(photo.size(2) >= 4 && photo.size(3) >= 4, "animegan2: input must be at least 4x4, found ",
        photo.size(3), "x", photo.size(2));
  auto out = block_a->forward(photo);
  std::vector<int64_t> half_size = {out.size(2), out.size(3)};
  out = block_b->forward(out);
  out = block_c->forward(out);
  auto resample = [&](const at::Tensor& x, std::vector<int64_t> size) {
    if (options_.align_corners)
      return F::interpolate(
          x, F::InterpolateFuncOptions().size(size).mode(torch::kBilinear).align_corners(true));
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .scale_factor(std::vector<double>{2.0, 2.0})
                                 .mode(torch::kBilinear)
                                 .align_corners(false));
  };
  auto up = [&](const at::Tensor& x, std::vector<int64_t> size) -> at::Tensor {
    // 1.13's bf16 bilinear kernels are 4-6x slower than its fp32 ones (forward and backward,
    // measured at 4x128x128x128): bf16 resamples in fp32, which also rounds only once.
    if (x.scalar_type() == at::kBFloat16) return resample(x.to(at::kFloat), size).to(at::kBFloat16);
    return resample(x, size);
  };
  out = up(out, half_size);
  out = block_d->forward(out);
  out = up(out, {photo.size(2), photo.size(3)});
  out = block_e->forward(out);
  return out_layer->forward(out);
}

void register_animegan2() {
  register_generator("animegan2", [](const nlohmann::json& options) {
    return std::make_shared<AnimeGAN2Generator>(AnimeGAN2Options::from_json(options));
  });
  register_generator("animegan2-lite", [](const nlohmann::json& options) {
    nlohmann::json o = options.is_object() ? options : nlohmann::json::object();
    if (!o.contains("width")) o["width"] = 0.5;
    return std::make_shared<AnimeGAN2Generator>(AnimeGAN2Options::from_json(o));
  });
}

}  // namespace comicgan::models
