// One convolution of the fast path prepared for oneDNN (libdnnl, when comicgan is built with it):
// weights reordered once into the layout oneDNN's kernel wants, a primitive made once per input
// size and kept, and the caller's buffers used as source, destination and scratch memory — so a
// call on a size seen before allocates nothing. Without oneDNN, available() is false and the fast
// path calls at::conv2d instead.
#pragma once

#include <ATen/ATen.h>

#include <cstddef>
#include <memory>

namespace comicgan::infer {

class PackedConv {
 public:
  static bool available();

  // `weight` (O, I/groups, K, K), `bias` (O) or undefined; computes in `dtype` (fp32 or bf16),
  // the bias in fp32. No padding: the source buffer carries it. `winograd`: let fp32 3x3
  // stride-1 convolutions use oneDNN's Winograd kernel where the CPU has one.
  PackedConv(const at::Tensor& weight, const at::Tensor& bias, int64_t stride, int64_t groups,
             at::ScalarType dtype, bool winograd = true);
  ~PackedConv();
  PackedConv(PackedConv&&) noexcept;
  PackedConv& operator=(PackedConv&&) noexcept;

  // What a call on an H x W source (padding included) needs and gives.
  struct Shape {
    int64_t out_height = 0, out_width = 0;
    size_t scratch_bytes = 0;
  };
  // The destination is a dense NHWC activation in `dtype`; with `final_output` (the network's
  // last layer) in fp32 with tanh applied. (An NCHW destination would be natural there, but
  // oneDNN 2.6 has no fast kernel from an NHWC source to it: 33x slower at 512x512.)
  Shape prepare(int64_t height, int64_t width, bool final_output);

  // Runs on a dense NHWC source of H x W (as prepared) into `dst`, with `scratch` of at least
  // prepare()'s scratch_bytes.
  void run(const void* src, int64_t height, int64_t width, bool final_output, void* dst,
           void* scratch);

  // Whether a primitive prepared so far computes with Winograd.
  bool uses_winograd() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comicgan::infer
