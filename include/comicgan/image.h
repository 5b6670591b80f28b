// The picture type of comicgan's public API: 8-bit, interleaved, RGB or RGBA, top row first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace comicgan {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;             // 3 (RGB) or 4 (RGBA)
  std::vector<uint8_t> pixels;  // height * width * channels bytes

  Image() = default;
  Image(int w, int h, int c) : width(w), height(h), channels(c), pixels(size_t(w) * h * c) {}
  bool empty() const { return pixels.empty(); }
  uint8_t* row(int y) { return pixels.data() + size_t(y) * width * channels; }
  const uint8_t* row(int y) const { return pixels.data() + size_t(y) * width * channels; }
};

}  // namespace comicgan
