// An edge-preserving smoothing filter (OpenCV's mean shift, spatial radius 10, colour radius 20):
// not a comic, but it passes the look figures (colour kept, flat regions, edges kept), so the
// gallery and `comicgan eval --compare filter:meanshift` show it beside the models as the thing a
// comic model must visibly differ from.
#pragma once

#include "comicgan/image.h"

namespace comicgan::data {

constexpr double kMeanShiftSpatial = 10, kMeanShiftColour = 20;

// RGB in, RGB out (alpha, if any, composited over white first).
Image mean_shift_filter(const Image& image);

}  // namespace comicgan::data
