// The Inception-v3 network of FID, as pytorch-fid builds it (the TensorFlow 2015-12-05 graph
// ported to PyTorch: torchvision's InceptionV3 with the FIDInceptionA/C/E_1/E_2 blocks, whose
// average pools leave padding out and whose last block max-pools), up to pool3: one feature
// vector per picture. Weights come from pytorch-fid's `pt_inception-2015-12-05` state_dict;
// channel widths are taken from the tensors' shapes, so narrower nets of the same topology (the
// tests use one) load too. Batch norms are folded into the convolutions at load time.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>

#include "io/named_tensors.h"

namespace comicgan::eval {

class FidInception {
 public:
  // `label` names the weights in errors and in the report.
  FidInception(const io::NamedTensors& state_dict, std::string label);
  static FidInception load(const std::string& checkpoint_path);

  // (N,3,H,W) pictures in [0,1] -> (N, feature_dim()) pool3 features. Resizes to 299x299
  // (bilinear, half-pixel centres) and scales to [-1,1] as pytorch-fid does.
  at::Tensor features(const at::Tensor& images01) const;
  int64_t feature_dim() const { return feature_dim_; }
  const std::string& label() const { return label_; }

 private:
  struct Conv {
    at::Tensor weight, bias;  // batch norm folded in
    int64_t stride = 1, pad_h = 0, pad_w = 0;
  };
  at::Tensor conv(const std::string& name, const at::Tensor& x) const;
  at::Tensor block_a(const std::string& name, const at::Tensor& x) const;
  at::Tensor block_b(const std::string& name, const at::Tensor& x) const;
  at::Tensor block_c(const std::string& name, const at::Tensor& x) const;
  at::Tensor block_d(const std::string& name, const at::Tensor& x) const;
  at::Tensor block_e(const std::string& name, const at::Tensor& x, bool max_pool) const;

  std::map<std::string, Conv> convs_;
  std::string label_;
  int64_t feature_dim_ = 0;
};

}  // namespace comicgan::eval
