#include "eval/fid_inception.h"

#include <torch/torch.h>

#include <vector>

#include "comicgan/error.h"
#include "io/torch_checkpoint.h"

namespace comicgan::eval {
namespace {

namespace F = torch::nn::functional;

constexpr double kBatchNormEps = 0.001;  // torchvision's BasicConv2d
constexpr int64_t kInputSide = 299;

// Every convolution of the network, by state_dict prefix.
std::vector<std::string> conv_names() {
  std::vector<std::string> names = {"Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3",
                                    "Conv2d_3b_1x1", "Conv2d_4a_3x3"};
  auto add = [&](const std::string& block, std::initializer_list<const char*> convs) {
    for (const char* c : convs) names.push_back(block + "." + c);
  };
  for (const char* a : {"Mixed_5b", "Mixed_5c", "Mixed_5d"})
    add(a, {"branch1x1", "branch5x5_1", "branch5x5_2", "branch3x3dbl_1", "branch3x3dbl_2",
            "branch3x3dbl_3", "branch_pool"});
  add("Mixed_6a", {"branch3x3", "branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"});
  for (const char* c : {"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"})
    add(c, {"branch1x1", "branch7x7_1", "branch7x7_2", "branch7x7_3", "branch7x7dbl_1",
            "branch7x7dbl_2", "branch7x7dbl_3", "branch7x7dbl_4", "branch7x7dbl_5", "branch_pool"});
  add("Mixed_7a", {"branch3x3_1", "branch3x3_2", "branch7x7x3_1", "branch7x7x3_2", "branch7x7x3_3",
                   "branch7x7x3_4"});
  for (const char* e : {"Mixed_7b", "Mixed_7c"})
    add(e, {"branch1x1", "branch3x3_1", "branch3x3_2a", "branch3x3_2b", "branch3x3dbl_1",
            "branch3x3dbl_2", "branch3x3dbl_3a", "branch3x3dbl_3b", "branch_pool"});
  return names;
}

// The convolutions without padding, and their strides; all others are stride 1, "same" padding.
const std::map<std::string, int64_t>& unpadded_convs() {
  static const std::map<std::string, int64_t> convs = {
      {"Conv2d_1a_3x3", 2},         {"Conv2d_2a_3x3", 1},           {"Conv2d_4a_3x3", 1},
      {"Mixed_6a.branch3x3", 2},    {"Mixed_6a.branch3x3dbl_3", 2}, {"Mixed_7a.branch3x3_2", 2},
      {"Mixed_7a.branch7x7x3_4", 2}};
  return convs;
}

at::Tensor avg_pool_same(const at::Tensor& x) {
  // TensorFlow's average pool, which pytorch-fid patches in: padding does not count.
  return F::avg_pool2d(x, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
}

}  // namespace

FidInception::FidInception(const io::NamedTensors& state_dict, std::string label)
    : label_(std::move(label)) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [name, tensor] : state_dict) tensors[name] = tensor;
  auto take = [&](const std::string& key, int64_t dim) {
    auto it = tensors.find(key);
    check(it != tensors.end(), label_, ": not the pytorch-fid Inception state_dict: no tensor ",
          key);
    check(it->second.dim() == dim, label_, ": ", key, ": expected ", dim, " dimensions, found ",
          it->second.sizes());
    return it->second.to(at::kFloat);
  };
  for (const auto& name : conv_names()) {
    at::Tensor w = take(name + ".conv.weight", 4);
    at::Tensor gamma = take(name + ".bn.weight", 1), beta = take(name + ".bn.bias", 1);
    at::Tensor mean = take(name + ".bn.running_mean", 1), var = take(name + ".bn.running_var", 1);
    const int64_t out = w.size(0);
    check(gamma.size(0) == out && beta.size(0) == out && mean.size(0) == out && var.size(0) == out,
          label_, ": ", name, ": batch norm of ", gamma.size(0), " channels after a conv of ", out);
    at::Tensor scale = gamma / (var + kBatchNormEps).sqrt();
    Conv c;
    c.weight = (w * scale.view({-1, 1, 1, 1})).contiguous();
    c.bias = (beta - mean * scale).contiguous();
    auto unpadded = unpadded_convs().find(name);
    if (unpadded != unpadded_convs().end()) {
      c.stride = unpadded->second;
    } else {
      c.pad_h = w.size(2) / 2;
      c.pad_w = w.size(3) / 2;
    }
    convs_[name] = c;
  }
  feature_dim_ = 0;
  for (const char* last : {"branch1x1", "branch3x3_2a", "branch3x3_2b", "branch3x3dbl_3a",
                           "branch3x3dbl_3b", "branch_pool"})
    feature_dim_ += convs_.at(std::string("Mixed_7c.") + last).weight.size(0);
}

FidInception FidInception::load(const std::string& checkpoint_path) {
  return FidInception(io::read_torch_checkpoint(checkpoint_path), checkpoint_path);
}

at::Tensor FidInception::conv(const std::string& name, const at::Tensor& x) const {
  const Conv& c = convs_.at(name);
  check(x.size(1) == c.weight.size(1), label_, ": ", name, " expects ", c.weight.size(1),
        " input channels, the previous layers give ", x.size(1));
  return torch::relu(
      F::conv2d(x, c.weight,
                F::Conv2dFuncOptions().bias(c.bias).stride(c.stride).padding({c.pad_h, c.pad_w})));
}

at::Tensor FidInception::block_a(const std::string& n, const at::Tensor& x) const {
  auto b1 = conv(n + ".branch1x1", x);
  auto b5 = conv(n + ".branch5x5_2", conv(n + ".branch5x5_1", x));
  auto b3 =
      conv(n + ".branch3x3dbl_3", conv(n + ".branch3x3dbl_2", conv(n + ".branch3x3dbl_1", x)));
  auto bp = conv(n + ".branch_pool", avg_pool_same(x));
  return torch::cat({b1, b5, b3, bp}, 1);
}

at::Tensor FidInception::block_b(const std::string& n, const at::Tensor& x) const {
  auto b3 = conv(n + ".branch3x3", x);
  auto bd =
      conv(n + ".branch3x3dbl_3", conv(n + ".branch3x3dbl_2", conv(n + ".branch3x3dbl_1", x)));
  auto bp = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  return torch::cat({b3, bd, bp}, 1);
}

at::Tensor FidInception::block_c(const std::string& n, const at::Tensor& x) const {
  auto b1 = conv(n + ".branch1x1", x);
  auto b7 = conv(n + ".branch7x7_3", conv(n + ".branch7x7_2", conv(n + ".branch7x7_1", x)));
  auto bd = x;
  for (const char* step : {".branch7x7dbl_1", ".branch7x7dbl_2", ".branch7x7dbl_3",
                           ".branch7x7dbl_4", ".branch7x7dbl_5"})
    bd = conv(n + step, bd);
  auto bp = conv(n + ".branch_pool", avg_pool_same(x));
  return torch::cat({b1, b7, bd, bp}, 1);
}

at::Tensor FidInception::block_d(const std::string& n, const at::Tensor& x) const {
  auto b3 = conv(n + ".branch3x3_2", conv(n + ".branch3x3_1", x));
  auto b7 = x;
  for (const char* step : {".branch7x7x3_1", ".branch7x7x3_2", ".branch7x7x3_3", ".branch7x7x3_4"})
    b7 = conv(n + step, b7);
  auto bp = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  return torch::cat({b3, b7, bp}, 1);
}

at::Tensor FidInception::block_e(const std::string& n, const at::Tensor& x, bool max_pool) const {
  auto b1 = conv(n + ".branch1x1", x);
  auto b3 = conv(n + ".branch3x3_1", x);
  b3 = torch::cat({conv(n + ".branch3x3_2a", b3), conv(n + ".branch3x3_2b", b3)}, 1);
  auto bd = conv(n + ".branch3x3dbl_2", conv(n + ".branch3x3dbl_1", x));
  bd = torch::cat({conv(n + ".branch3x3dbl_3a", bd), conv(n + ".branch3x3dbl_3b", bd)}, 1);
  // pytorch-fid's FIDInceptionE_2 max-pools here (as the TensorFlow graph does).
  auto pooled = max_pool ? F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(1).padding(1))
                         : avg_pool_same(x);
  auto bp = conv(n + ".branch_pool", pooled);
  return torch::cat({b1, b3, bd, bp}, 1);
}

at::Tensor FidInception::features(const at::Tensor& images01) const {
  check(images01.dim() == 4 && images01.size(1) == 3,
        "Inception features: expected (N,3,H,W) pictures, found ", images01.sizes());
  c10::InferenceMode guard;
  auto x = F::interpolate(images01.to(at::kFloat),
                          F::InterpolateFuncOptions()
                              .size(std::vector<int64_t>{kInputSide, kInputSide})
                              .mode(torch::kBilinear)
                              .align_corners(false));
  x = 2 * x - 1;
  x = conv("Conv2d_2b_3x3", conv("Conv2d_2a_3x3", conv("Conv2d_1a_3x3", x)));
  x = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  x = conv("Conv2d_4a_3x3", conv("Conv2d_3b_1x1", x));
  x = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  for (const char* a : {"Mixed_5b", "Mixed_5c", "Mixed_5d"}) x = block_a(a, x);
  x = block_b("Mixed_6a", x);
  for (const char* c : {"Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"}) x = block_c(c, x);
  x = block_d("Mixed_7a", x);
  x = block_e("Mixed_7b", x, false);
  x = block_e("Mixed_7c", x, true);
  return x.mean({2, 3});
}

}  // namespace comicgan::eval
