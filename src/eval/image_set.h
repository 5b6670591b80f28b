// The picture sets an evaluation compares: every picture of a folder (sorted by name, at most a
// given count), centre-cropped to a square and resized to one side, so that sets of any
// resolution compare patch for patch.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::eval {

struct ImageSet {
  std::vector<std::string> names;  // file names relative to the folder
  std::vector<Image> images;       // RGB, side x side
  std::vector<Image> full;         // RGB at their own size (when asked for), one per image
};

// Throws comicgan::Error when the folder has no readable picture; unreadable files are skipped
// and named in `skipped`. `full_max_side` >= 0 also keeps each picture whole in `full`, shrunk
// so its longer side is at most that (0: as it is).
ImageSet load_image_folder(const std::string& folder, int side, int64_t max_images,
                           std::vector<std::string>* skipped = nullptr, int full_max_side = -1);

// `image` without alpha (composited over white), shrunk (area averaging) so its longer side is at
// most `max_side` (0: any size).
Image rgb_within(const Image& image, int max_side);

// A square RGB picture of `side`: the centre square of `image`, resized (area averaging when
// shrinking).
Image square_picture(const Image& image, int side);

// Pictures [begin, end) as one (N,3,side,side) float batch in [-1,1].
at::Tensor pictures_to_batch(const std::vector<Image>& pictures, size_t begin, size_t end);

}  // namespace comicgan::eval
