#include "eval/vgg_features.h"

#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "comicgan/error.h"
#include "io/torch_checkpoint.h"

namespace comicgan::eval {
namespace {

namespace F = torch::nn::functional;

// (in, out, kernel) of conv1 .. conv6.
constexpr int64_t kLayers[6][3] = {{3, 3, 1},     {3, 64, 3},    {64, 64, 3},
                                   {64, 128, 3},  {128, 128, 3}, {128, 256, 3}};

}  // namespace

VggRelu31::VggRelu31(const io::NamedTensors& state_dict, std::string label)
    : label_(std::move(label)) {
  std::map<std::string, at::Tensor> tensors(state_dict.begin(), state_dict.end());
  for (int i = 0; i < 6; ++i) {
    const std::string name = "conv" + std::to_string(i + 1);
    auto w = tensors.find(name + ".weight"), b = tensors.find(name + ".bias");
    check(w != tensors.end() && b != tensors.end(), label_,
          ": not the VGG19 relu3_1 state_dict: no ", name, ".weight / .bias");
    const auto& l = kLayers[i];
    check(w->second.sizes() == at::IntArrayRef({l[1], l[0], l[2], l[2]}) &&
              b->second.sizes() == at::IntArrayRef({l[1]}),
          label_, ": ", name, ".weight: expected [", l[1], ",", l[0], ",", l[2], ",", l[2],
          "], found ", w->second.sizes());
    weights_.push_back(w->second.to(at::kFloat).contiguous());
    biases_.push_back(b->second.to(at::kFloat).contiguous());
  }
}

VggRelu31 VggRelu31::load(const std::string& checkpoint_path) {
  return VggRelu31(io::read_torch_checkpoint(checkpoint_path), checkpoint_path);
}

at::Tensor VggRelu31::features(const at::Tensor& images01) const {
  check(images01.dim() == 4 && images01.size(1) == 3,
        "VGG features: expected (N,3,H,W) pictures, found ", images01.sizes());
  c10::InferenceMode guard;
  auto conv = [&](int i, const at::Tensor& x) {
    auto padded = F::pad(x, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kReflect));
    return torch::relu(F::conv2d(padded, weights_[i], F::Conv2dFuncOptions().bias(biases_[i])));
  };
  auto pool = [](const at::Tensor& x) { return F::max_pool2d(x, F::MaxPool2dFuncOptions(2).stride(2)); };
  at::Tensor x = F::conv2d(images01.to(at::kFloat), weights_[0],
                           F::Conv2dFuncOptions().bias(biases_[0]));  // colour conversion, no ReLU
  x = pool(conv(2, conv(1, x)));
  x = pool(conv(4, conv(3, x)));
  return conv(5, x);
}

at::Tensor VggRelu31::distance(const at::Tensor& a01, const at::Tensor& b01) const {
  check(a01.sizes() == b01.sizes(), "VGG distance: batches differ: ", a01.sizes(), " and ",
        b01.sizes());
  return (features(a01) - features(b01)).abs().mean({1, 2, 3});
}

std::string default_vgg_path() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("COMICGAN_VGG"); env && *env) candidates.emplace_back(env);
  fs::path source(COMICGAN_SOURCE_DIR);
  for (const auto& root : {source / "shared", source.parent_path() / "shared"})
    candidates.push_back(root / "models" / "vgg19-relu3_1" / "vgg19_relu3_1.pt");
  std::error_code ec;
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return c.string();
  return "";
}

}  // namespace comicgan::eval
