// How much of the input photo a stylized picture keeps: structural similarity of the luminance
// (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, mean over the window
// positions fully inside the picture, as their ssim_index.m) and the F1 score of Canny edges
// matched within a small tolerance (Canny 100/200, each edge map dilated by a 3x3 square).
#pragma once

#include <ATen/ATen.h>

#include "comicgan/image.h"

namespace comicgan::eval {

// ITU-R BT.601 luma of an RGB/RGBA picture, as float (H,W) in [0,255], not rounded.
at::Tensor luminance(const Image& image);

// SSIM of two (H,W) luminance planes in [0,255]; both sides at least 11.
double ssim(const at::Tensor& a, const at::Tensor& b);
double ssim_luminance(const Image& a, const Image& b);

struct EdgeOptions {
  double low_threshold = 100, high_threshold = 200;  // Canny hysteresis on 8-bit luma (L1 norm)
  int tolerance = 1;  // an edge pixel counts as matched within this many pixels (a square)
};

struct EdgeScores {
  double precision = 0, recall = 0, f1 = 0;
  int64_t edges_a = 0, edges_b = 0;  // edge pixel counts
};

// Edges of `reference` (the photo) against those of `candidate` (the stylized picture):
// precision = candidate edges near a reference edge, recall = reference edges near a candidate
// edge. Two pictures without edges score 1; one without edges scores 0.
EdgeScores edge_f1(const Image& reference, const Image& candidate, const EdgeOptions& options = {});

}  // namespace comicgan::eval
