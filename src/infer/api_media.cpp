// The image-file half of include/comicgan/comicgan.h (needs OpenCV).
#include "comicgan/comicgan.h"
#include "io/image_io.h"

namespace comicgan {

Image read_image(const std::string& path, long long max_pixels) {
  io::ImageLimits limits;
  limits.max_pixels = max_pixels;
  return io::read_image(path, limits);
}

void write_image(const std::string& path, const Image& image) { io::write_image(path, image); }

}  // namespace comicgan
