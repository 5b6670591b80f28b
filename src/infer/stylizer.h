// Turning pictures into styled pictures with a loaded generator: the pre- and post-processing
// of the AnimeGANv2 port (RGB, x/127.5 - 1; then (y + 1) * 127.5, clip, round), padding to the
// generator's size multiple and cropping back, blending with the original by `strength`, and
// carrying alpha through untouched.
#pragma once

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "comicgan/image.h"
#include "infer/fast_generator.h"
#include "models/generator.h"

namespace comicgan::infer {

struct StylizerOptions {
  std::string device = "cpu";      // cpu, cuda, cuda:N
  std::string precision = "fp32";  // fp32 or bf16 (fp16 on CUDA)
  // fast: the prepared CPU path (fast_generator.h); reference: the plain LibTorch module;
  // auto: fast where it applies (CPU and an architecture it knows), else reference.
  std::string engine = "auto";
  // Peak memory to stay under, in bytes (0: no limit). The fast engine tiles pictures whose
  // untiled run would not fit (tiled_forward.h).
  int64_t max_memory = 0;
  // How the fast engine computes its convolutions (for benchmarks; the defaults are fastest).
  FastPathOptions fast;
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
  // Pictures of one size in one batch (the reference engine and CUDA run them together; the
  // fast engine runs them one after another, as its plan is per picture).
  std::vector<Image> stylize_batch(const std::vector<const Image*>& photos, float strength = 1.0f);

  const StylizerOptions& options() const { return options_; }
  // "fast" or "reference": what `auto` resolved to.
  const std::string& engine() const { return engine_; }
  // The fast engine's plan (nullptr with the reference engine).
  const FastGenerator* fast_generator() const { return fast_.get(); }

 private:
  at::Tensor fast_forward(const at::Tensor& one_picture);

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
