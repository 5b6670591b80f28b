// Shrinking pictures for data sets: training crops are a few hundred pixels, so photos are kept
// at a modest size (area averaging, never enlarged).
#pragma once

#include "comicgan/image.h"

namespace comicgan::data {

// `image` scaled down (area averaging) so its shorter side is `short_side`; unchanged when it is
// already that small or short_side is 0. RGBA keeps its alpha.
Image shrink_to_short_side(const Image& image, int short_side);

}  // namespace comicgan::data
