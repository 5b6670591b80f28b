// A classical (no model) comic renderer: flat colour regions from edge-preserving smoothing and a
// per-image k-means palette, clean ink lines from a thresholded difference of Gaussians (XDoG),
// and for manga a grayscale screentone (a 45-degree dot screen whose dot size follows the tone).
// It synthesizes style images for training and is the baseline the trained models are compared
// with. Output is a pure function of the input pixels and the look (seeded k-means, no global
// RNG), so the same photo always gives the same bytes, whatever the thread count.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::data {

enum class LookStyle {
  comic,  // smoothed colour, a palette of ~12 colours, thin black ink lines
  manga,  // black and white: screentone dots by tone, solid blacks, ink lines
  cel,    // flat cel shading: ~6 saturated colours, strong outlines
};

struct ComicLook {
  LookStyle style = LookStyle::comic;
  int colors = 0;            // palette size (comic, cel); 0: the style's default; 2..64
  float line_weight = 1.0f;  // ink line thickness multiplier; 0: no ink lines; up to 4
  uint64_t seed = 1;         // the k-means seed
};

// The look called `name` (comic, manga, cel) with its defaults; throws comicgan::Error naming
// the known looks otherwise.
ComicLook comic_look(const std::string& name);
std::vector<std::string> comic_look_names();

// Renders an 8-bit BGR picture (CV_8UC3) in `look`; the result is CV_8UC3 of the same size
// (manga: gray in all three channels).
cv::Mat render_comic(const cv::Mat& bgr, const ComicLook& look);

// The same on the library's picture type; RGBA keeps its alpha channel.
Image render_comic(const Image& image, const ComicLook& look);

}  // namespace comicgan::data
