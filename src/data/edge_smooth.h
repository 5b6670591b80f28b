// The extra copies of style images that AnimeGAN's discriminator trains on: a grayscale copy
// (so the generator learns texture and lines, not the style images' colours) and an
// edge-smoothed copy (CartoonGAN: the same picture with its crisp edges blurred, shown to the
// discriminator as "fake" so it learns that comic edges are sharp). Needs OpenCV
// (edge_smooth_media.cpp).
#pragma once

#include "comicgan/image.h"

namespace comicgan::data {

// 1-channel luma of an RGB image, as OpenCV's RGB2GRAY (0.299 R + 0.587 G + 0.114 B).
Image grayscale(const Image& rgb);

// CartoonGAN's edge smoothing, as AnimeGAN's edge_smooth.py computes it: Canny (100, 200) on
// the grayscale image, edges dilated with a 5x5 square, and each pixel under the dilated edges
// replaced by its 5x5 Gaussian average (OpenCV's sigma-0 kernel, [1 4 6 4 1]/16 squared,
// borders reflected without repeating the edge pixel, sums truncated); other pixels unchanged.
Image edge_smooth(const Image& rgb);

}  // namespace comicgan::data
