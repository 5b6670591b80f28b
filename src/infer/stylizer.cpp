#include "infer/stylizer.h"

#include <torch/torch.h>

#include <unistd.h>

#include <cmath>
#include <fstream>

#include "comicgan/error.h"
#include "infer/fast_generator.h"
#include "infer/tiled_forward.h"

namespace comicgan::infer {
namespace {

// The smallest input side the AnimeGANv2 generator accepts; smaller pictures are padded.
constexpr int64_t kMinSide = 8;

at::Device parse_device(const std::string& name) {
  try {
    at::Device device(name);
    check_option(device.is_cpu() || device.is_cuda(), "device", "must be cpu or cuda[:N], found '",
                 name, "'");
    if (device.is_cuda())
      check_option(torch::cuda::is_available(), "device", name,
                   ": this build of LibTorch has no CUDA, or no GPU is visible");
    return device;
  } catch (const c10::Error&) {
    fail_option("device", "must be cpu or cuda[:N], found '", name, "'");
  }
}

// Pads (N,C,H,W) on the right/bottom so both sides are multiples of `multiple` and at least
// kMinSide. Reflection where possible (no visible seam), replication for tiny inputs.
at::Tensor pad_to_multiple(const at::Tensor& x, int64_t multiple) {
  int64_t h = x.size(2), w = x.size(3);
  auto target = [&](int64_t n) {
    int64_t t = std::max(n, kMinSide);
    return (t + multiple - 1) / multiple * multiple;
  };
  int64_t ph = target(h) - h, pw = target(w) - w;
  if (ph == 0 && pw == 0) return x;
  namespace F = torch::nn::functional;
  if (ph < h && pw < w) return F::pad(x, F::PadFuncOptions({0, pw, 0, ph}).mode(torch::kReflect));
  return F::pad(x, F::PadFuncOptions({0, pw, 0, ph}).mode(torch::kReplicate));
}

// Resident set size now (Linux; 0 where unknown).
double current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  double pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * double(sysconf(_SC_PAGESIZE));
}

}  // namespace

Stylizer::Stylizer(std::shared_ptr<models::Generator> generator, StylizerOptions options)
    : generator_(std::move(generator)),
      options_(std::move(options)),
      device_(parse_device(options_.device)) {
  check_option(
      options_.precision == "fp32" || options_.precision == "bf16" || options_.precision == "fp16",
      "precision", "must be fp32, bf16 or fp16, found ", options_.precision);
  check_option(options_.precision != "fp16" || device_.is_cuda(), "precision",
               "fp16 needs a cuda device");
  check_option(options_.max_memory >= 0, "max_memory", "must be >= 0, found ", options_.max_memory);
  dtype_ = options_.precision == "bf16"   ? at::kBFloat16
           : options_.precision == "fp16" ? at::kHalf
                                          : at::kFloat;
  const std::string& e = options_.engine;
  check_option(e == "auto" || e == "fast" || e == "reference", "engine",
               "must be auto, fast or reference, found ", e);
  const bool fast_fits =
      device_.is_cpu() && dtype_ != at::kHalf && FastGenerator::supports(*generator_);
  check_option(e != "fast" || fast_fits, "engine",
               "fast needs the cpu device, fp32 or bf16 and the animegan2 architecture");
  engine_ = (e == "fast" || (e == "auto" && fast_fits)) ? "fast" : "reference";
  generator_->eval();
  if (engine_ == "fast") {
    fast_ = std::make_unique<FastGenerator>(*generator_, dtype_, options_.fast);
  } else {
    generator_->to(device_, dtype_);
  }
}

Stylizer::~Stylizer() = default;
Stylizer::Stylizer(Stylizer&&) noexcept = default;

at::Tensor Stylizer::forward(const at::Tensor& photo) {
  check(photo.dim() == 4 && photo.size(1) == 3, "stylize: expected (N,3,H,W), found ",
        photo.sizes());
  c10::InferenceMode guard;
  int64_t h = photo.size(2), w = photo.size(3);
  at::Tensor x = pad_to_multiple(photo.to(device_, at::kFloat), generator_->size_multiple());
  at::Tensor y;
  if (fast_) {
    std::vector<at::Tensor> outputs;
    for (int64_t i = 0; i < x.size(0); ++i) outputs.push_back(fast_forward(x.narrow(0, i, 1)));
    y = outputs.size() == 1 ? outputs[0] : at::cat(outputs, 0);
  } else {
    y = generator_->forward(x.to(dtype_)).to(at::kFloat);
  }
  return y.slice(2, 0, h).slice(3, 0, w).to(at::kCPU).contiguous();
}

at::Tensor Stylizer::fast_forward(const at::Tensor& x) {
  const int64_t h = x.size(2), w = x.size(3);
  if (options_.max_memory <= 0) return fast_->forward(x);
  // What the network may use: the limit less the process as it stands and the picture's own
  // copies until it is written (8-bit in and out, float in, padded, out and cropped: ~64 B/px).
  double budget = double(options_.max_memory) - current_rss_bytes() - 64.0 * double(h * w);
  if (fast_path_bytes(h, w, dtype_) <= budget) return fast_->forward(x);
  TilePlan plan = plan_tiles(h, w, exact_halo(*fast_), budget, dtype_);
  // The statistics pass runs at the windows' shape: oneDNN then prepares one set of convolutions.
  auto stats = estimate_statistics(*fast_, x, plan.window_h, plan.window_w);
  return tiled_forward(*fast_, x, plan, stats);
}

Image Stylizer::stylize(const Image& photo, float strength) {
  check_option(strength >= 0.0f && strength <= 1.0f, "strength", "must be in [0,1], found ",
               strength);
  check(!photo.empty() && (photo.channels == 3 || photo.channels == 4),
        "stylize: expected an RGB or RGBA picture");
  return tensor_to_image(forward(image_to_tensor(photo)), photo, strength);
}

std::vector<Image> Stylizer::stylize_batch(const std::vector<const Image*>& photos,
                                           float strength) {
  check(!photos.empty(), "stylize: empty batch");
  if (photos.size() == 1) return {stylize(*photos[0], strength)};
  check_option(strength >= 0.0f && strength <= 1.0f, "strength", "must be in [0,1], found ",
               strength);
  std::vector<at::Tensor> inputs;
  for (const Image* p : photos) {
    check(p->width == photos[0]->width && p->height == photos[0]->height &&
              (p->channels == 3 || p->channels == 4),
          "stylize: a batch needs RGB or RGBA pictures of one size");
    inputs.push_back(image_to_tensor(*p));
  }
  at::Tensor styled = forward(at::cat(inputs, 0));
  inputs.clear();
  std::vector<Image> out;
  for (size_t i = 0; i < photos.size(); ++i)
    out.push_back(tensor_to_image(styled.narrow(0, int64_t(i), 1), *photos[i], strength));
  return out;
}

at::Tensor image_to_tensor(const Image& image) {
  at::Tensor hwc = at::from_blob(const_cast<uint8_t*>(image.pixels.data()),
                                 {image.height, image.width, image.channels}, at::kByte);
  return hwc.slice(2, 0, 3)
      .permute({2, 0, 1})
      .unsqueeze(0)
      .to(at::kFloat)
      .div(127.5)
      .sub(1.0)
      .contiguous();
}

Image tensor_to_image(const at::Tensor& styled, const Image& original, float strength) {
  check(styled.dim() == 4 && styled.size(0) == 1 && styled.size(1) == 3 &&
            styled.size(2) == original.height && styled.size(3) == original.width,
        "stylize: output ", styled.sizes(), " does not match the input ", original.width, "x",
        original.height);
  at::Tensor hwc = styled[0].permute({1, 2, 0}).to(at::kFloat).contiguous();
  const float* y = hwc.data_ptr<float>();
  Image out(original.width, original.height, original.channels);
  const int c = original.channels;
  const size_t pixels = size_t(original.width) * original.height;
  for (size_t i = 0; i < pixels; ++i) {
    for (int k = 0; k < 3; ++k) {
      float v = (y[i * 3 + k] + 1.0f) * 127.5f;
      if (strength < 1.0f) v = strength * v + (1.0f - strength) * original.pixels[i * c + k];
      out.pixels[i * c + k] = uint8_t(std::nearbyint(std::clamp(v, 0.0f, 255.0f)));
    }
    if (c == 4) out.pixels[i * c + 3] = original.pixels[i * c + 3];
  }
  return out;
}

}  // namespace comicgan::infer
