// A small picture that differs per seed (colour ramps and an 8-pixel checker in blue), for tests
// that need folders of photos and style pictures without fixtures.
#pragma once

#include <cstdint>

#include "comicgan/image.h"

namespace comicgan_test {

inline comicgan::Image ramp_picture(int w, int h, int seed) {
  comicgan::Image img(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.row(y) + x * 3;
      p[0] = uint8_t((x * 7 + seed * 40) % 256);
      p[1] = uint8_t((y * 5 + seed * 90) % 256);
      p[2] = ((x + seed) / 8 + y / 8) % 2 ? 210 : 30;
    }
  return img;
}

}  // namespace comicgan_test
