#include "train/channels_last.h"

#include <torch/torch.h>

namespace comicgan::train {
namespace {

struct ChannelsLastGradient : torch::autograd::Function<ChannelsLastGradient> {
  static at::Tensor forward(torch::autograd::AutogradContext*, const at::Tensor& x) {
    return x.view_as(x);  // a new tensor sharing x's memory, so autograd records this node
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext*,
                                               torch::autograd::tensor_list grads) {
    return {grads[0].contiguous(at::MemoryFormat::ChannelsLast)};
  }
};

}  // namespace

void to_bf16_channels_last(torch::nn::Module& net) {
  net.to(torch::kBFloat16);
  for (auto& p : net.parameters())
    if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

at::Tensor channels_last_gradient(const at::Tensor& x) {
  if (x.dim() != 4 || !x.requires_grad()) return x;
  return ChannelsLastGradient::apply(x);
}

}  // namespace comicgan::train
