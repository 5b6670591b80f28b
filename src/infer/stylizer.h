// Turning pictures into styled pictures with a loaded generator: the pre- and post-processing
// of the AnimeGANv2 port (RGB, x/127.5 - 1; then (y + 1) * 127.5, clip, round), padding to the
// generator's size multiple and cropping back, blending with the original by `strength`, and
// carrying alpha through untouched.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "comicgan/image.h"
#include "models/generator.h"

namespace comicgan::infer {
class FastGenerator;
}

namespace comicgan::infer {

struct StylizerOptions {
  std::string device = "cpu";      // cpu, cuda, cuda:N
  std::string precision = "fp32";  // fp32 or bf16 (fp16 on CUDA)
  // fast: the prepared CPU path (fast_generator.h); reference: the plain LibTorch module;
  // auto: fast where it applies (CPU and an architecture it knows), else reference.
  std::string engine = "auto";
};

class Stylizer {
 public:
  Stylizer(std::shared_ptr<models::Generator> generator, StylizerOptions options = {});
  ~Stylizer();
  Stylizer(Stylizer&&) noexcept;

  // (N,3,H,W) float in [-1,1] -> (N,3,H,W) in [-1,1], for any H, W >= 1.
  at::Tensor forward(const at::Tensor& photo);

  // strength in [0,1]: 1 is the generator's output, 0 the input.
  Image stylize(const Image& photo, float strength = 1.0f);

  const StylizerOptions& options() const { return options_; }
  // "fast" or "reference": what `auto` resolved to.
  const std::string& engine() const { return engine_; }

 private:
  std::shared_ptr<models::Generator> generator_;
  StylizerOptions options_;
  at::Device device_;
  at::ScalarType dtype_ = at::kFloat;
  std::string engine_;
  std::unique_ptr<FastGenerator> fast_;
};

// Conversions shared by every path that feeds images to a generator.
at::Tensor image_to_tensor(const Image& image);  // (1,3,H,W) float in [-1,1], alpha dropped
Image tensor_to_image(const at::Tensor& styled, const Image& original, float strength);

}  // namespace comicgan::infer
