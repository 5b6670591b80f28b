// comicgan's library API: what a game, app or service embeds to stylize pictures.
// No LibTorch or OpenCV types appear here.
//
//   comicgan::configure_runtime();                 // threads + allocator, once per process
//   comicgan::Stylizer stylizer;                   // the default shipped model
//   comicgan::Image photo = comicgan::read_image("photo.jpg");
//   comicgan::write_image("comic.png", stylizer.stylize(photo));
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "comicgan/error.h"
#include "comicgan/image.h"

namespace comicgan {

// Threads for LibTorch and OpenCV (threads <= 0: the cores this process may use, respecting
// cgroup quotas) and glibc malloc thresholds that avoid page-fault storms on large tensors.
void configure_runtime(int threads = 0);

struct StylizeOptions {
  std::string device = "cpu";      // cpu, cuda, cuda:N
  std::string precision = "fp32";  // fp32, bf16 (CPU with AVX512-BF16 or CUDA), fp16 (CUDA)
};

class Stylizer {
 public:
  // `model`: a .cgm file path or a shipped model name; "" is the default shipped model.
  explicit Stylizer(const std::string& model = "", const StylizeOptions& options = {});
  ~Stylizer();
  Stylizer(Stylizer&&) noexcept;
  Stylizer& operator=(Stylizer&&) noexcept;

  // Any size; RGB or RGBA (alpha is carried through). strength in [0,1] blends with the input.
  Image stylize(const Image& photo, float strength = 1.0f);
  std::string model_name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Names of the models shipped inside this build; the first is the default.
std::vector<std::string> shipped_model_names();

// Image files (jpg, png, webp, bmp, tiff). Reading applies EXIF orientation and refuses images
// above max_pixels before decoding; writing picks the format from the extension and is atomic.
Image read_image(const std::string& path, long long max_pixels = 100'000'000);
void write_image(const std::string& path, const Image& image);

}  // namespace comicgan
