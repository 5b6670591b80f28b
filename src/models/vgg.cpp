#include "models/vgg.h"

#include <torch/torch.h>

#include <map>

#include "comicgan/error.h"
#include "io/torch_checkpoint.h"
#include "models/reflection_pad.h"

// The shipped weights, embedded by cmake/embed_vgg.cmake.
extern "C" const uint8_t comicgan_vgg19_relu3_1[];
extern "C" const uint8_t comicgan_vgg19_relu3_1_end[];

namespace comicgan::models {
namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace {

const at::Tensor* find(const io::NamedTensors& state, const std::string& name) {
  for (const auto& [key, tensor] : state)
    if (key == name) return &tensor;
  return nullptr;
}

bool has_key(const io::NamedTensors& state, const std::string& name) {
  return find(state, name) != nullptr;
}

// LinearStyleTransfer's encoder layout: conv1 (1x1 colour transform) then conv1_1 .. conv3_1.
std::vector<PerceptualNet::Layer> relu3_1_layers() {
  return {{"conv1", false, 0, false, false}, {"conv2", true, 1, true, false},
          {"conv3", true, 1, true, true},    {"conv4", true, 1, true, false},
          {"conv5", true, 1, true, true},    {"conv6", true, 1, true, false}};
}

// torchvision vgg19.features up to conv4_4 (index 25), which AnimeGAN reads before its ReLU.
std::vector<PerceptualNet::Layer> torchvision_conv4_4_layers() {
  const int convs[] = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25};
  const std::map<int, bool> pool_after = {{2, true}, {7, true}, {16, true}};
  std::vector<PerceptualNet::Layer> layers;
  for (int index : convs)
    layers.push_back(
        {"features." + std::to_string(index), false, 1, index != 25, pool_after.count(index) > 0});
  return layers;
}

}  // namespace

PerceptualNet::PerceptualNet(const io::NamedTensors& state, std::vector<Layer> layers,
                             std::vector<double> mean, std::vector<double> std,
                             std::string description, const std::string& label)
    : layers_(std::move(layers)), description_(std::move(description)) {
  int64_t channels = 3;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const auto& layer = layers_[i];
    const at::Tensor* w = find(state, layer.key + ".weight");
    const at::Tensor* b = find(state, layer.key + ".bias");
    check(w && b, label, ": VGG weights lack ", layer.key, ".weight or ", layer.key, ".bias");
    check(w->dim() == 4 && w->size(1) == channels && w->size(2) == w->size(3) && b->dim() == 1 &&
              b->size(0) == w->size(0),
          label, ": ", layer.key, ".weight has shape ", w->sizes(), ", expected [*,", channels,
          ",k,k] with a bias of matching size");
    auto conv = nn::Conv2d(nn::Conv2dOptions(channels, w->size(0), w->size(2))
                               .padding(layer.reflect_pad ? 0 : layer.pad));
    {
      torch::NoGradGuard no_grad;
      conv->weight.copy_(w->to(at::kFloat));
      conv->bias.copy_(b->to(at::kFloat));
    }
    convs_.push_back(register_module("conv" + std::to_string(i), conv));
    channels = w->size(0);
  }
  for (auto& p : parameters()) p.set_requires_grad(false);
  mean_ = register_buffer("mean", torch::tensor(mean).to(at::kFloat).view({1, 3, 1, 1}));
  inv_std_ =
      register_buffer("inv_std", (1.0 / torch::tensor(std)).to(at::kFloat).view({1, 3, 1, 1}));
  eval();
}

namespace {
// 2x2 max pooling, stride 2. Without autograd (the style and photo passes of a training step, and
// evaluation) from elementwise maxima, which give the same values faster than 1.13's kernel
// (8x64x256x256, 2 threads: bf16 NCHW 44 ms against 120, bf16 channels_last 22 ms against 30
// from the four strided quarters, fp32 NCHW 65 ms against 137); with autograd LibTorch's kernel,
// whose backward is the fast one.
at::Tensor max_pool_2x2(const at::Tensor& x) {
  if (x.requires_grad() && torch::GradMode::is_enabled())
    return F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2));
  const int64_t h = x.size(2) / 2 * 2, w = x.size(3) / 2 * 2;
  auto even = x.narrow(2, 0, h).narrow(3, 0, w);
  if (x.is_contiguous())
    return even.unflatten(3, {w / 2, 2}).amax(4).unflatten(2, {h / 2, 2}).amax(3);
  auto quarter = [&](int64_t dy, int64_t dx) { return even.slice(2, dy, h, 2).slice(3, dx, w, 2); };
  return torch::maximum(torch::maximum(quarter(0, 0), quarter(0, 1)),
                        torch::maximum(quarter(1, 0), quarter(1, 1)));
}
}  // namespace

at::Tensor PerceptualNet::forward(const at::Tensor& image) {
  check(image.dim() == 4 && image.size(1) == 3, "perceptual net: expected (N,3,H,W), found ",
        image.sizes());
  auto x = ((image + 1) * 0.5 - mean_) * inv_std_;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const auto& layer = layers_[i];
    if (layer.reflect_pad && layer.pad > 0)
      x = reflection_pad(x, {layer.pad, layer.pad, layer.pad, layer.pad});
    x = convs_[i]->forward(x);
    if (layer.relu) x = torch::relu(x);
    if (layer.pool_after) x = max_pool_2x2(x);
  }
  return x;
}

std::shared_ptr<PerceptualNet> perceptual_net_from_state(const io::NamedTensors& state,
                                                         const std::string& label) {
  if (has_key(state, "features.25.weight"))
    return std::make_shared<PerceptualNet>(
        state, torchvision_conv4_4_layers(), std::vector<double>{0.485, 0.456, 0.406},
        std::vector<double>{0.229, 0.224, 0.225},
        "torchvision VGG19 conv4_4 (pre-ReLU) from " + label, label);
  if (has_key(state, "conv1.weight") && has_key(state, "conv6.weight"))
    return std::make_shared<PerceptualNet>(state, relu3_1_layers(), std::vector<double>{0, 0, 0},
                                           std::vector<double>{1, 1, 1},
                                           "VGG19 relu3_1 from " + label, label);
  fail(label,
       ": not a VGG19 state_dict (expected torchvision's features.N.weight keys up to "
       "features.25, or conv1..conv6 of the relu3_1 network)");
}

std::shared_ptr<PerceptualNet> load_perceptual_net(const std::string& path) {
  return perceptual_net_from_state(io::read_torch_checkpoint(path), path);
}

std::shared_ptr<PerceptualNet> default_perceptual_net() {
  const size_t size = size_t(comicgan_vgg19_relu3_1_end - comicgan_vgg19_relu3_1);
  auto state =
      io::read_torch_checkpoint_bytes(comicgan_vgg19_relu3_1, size, "embedded vgg19_relu3_1.pt");
  return perceptual_net_from_state(state, "the shipped vgg19-relu3_1");
}

}  // namespace comicgan::models
