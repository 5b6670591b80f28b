// The figures a comic look is judged by against its photo, besides edge F1 (content_metrics.h):
//   colour_shift  both pictures area-downsampled to 1/16 of each side, converted to CIE Lab
//                 (OpenCV, float input in [0,1]); the mean CIE76 distance over pixels. Lower
//                 keeps the photo's colours.
//   flat_gain     the fraction of pixels whose 3x3 Sobel gradient magnitude of the luma (0-255)
//                 is below 20, in the output minus in the photo. Higher is flatter, cel-like.
// Both at the pictures' own size; an edge-preserving filter passes them too, so they are
// necessary, not sufficient (see models/README.md).
#pragma once

#include "comicgan/image.h"

namespace comicgan::eval {

constexpr int kColourShiftScale = 16;   // each side downsampled by this
constexpr double kFlatGradient = 20.0;  // Sobel magnitude below this is "flat"

double colour_shift(const Image& photo, const Image& output);

// Fraction of pixels whose luma Sobel magnitude is below kFlatGradient.
double flat_fraction(const Image& image);
double flat_gain(const Image& photo, const Image& output);

}  // namespace comicgan::eval
