// Training batches from data prepared by `comicgan prepare` (see prepared_format.h). Core: no
// OpenCV, so it builds where only LibTorch is available (e.g. a CUDA machine).
//
// Sampling is a pure function of (seed, step): photos and style images are each visited in a
// fresh random order every epoch (the order of epoch e depends only on seed and e), and each
// sample's crop and flip come from a splitmix64 stream keyed by (seed, step, index in batch).
// So a resumed run sees exactly the batches the uninterrupted run would have seen, whatever the
// thread count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "data/batch_source.h"

namespace comicgan::data {

struct PreparedDataOptions {
  int image_size = 256;  // square crops of this side
  int batch_size = 4;
  uint64_t seed = 0;
  int threads = 1;  // background threads preparing the coming batches; 0 = in batch() itself
  // Random zoom out: a crop covers between 1 and max_scale source pixels per output pixel (then
  // resized, bilinear). 1 = plain crops at the prepared resolution, as AnimeGAN trains.
  double max_scale = 1.0;
  bool flip = true;  // random horizontal flips
};

// Throws comicgan::Error, saying what to do, for a missing, corrupt or empty prepared folder.
std::unique_ptr<BatchSource> open_prepared_data(const std::string& prepared_dir,
                                                const PreparedDataOptions& o);

// How many images each domain holds (e.g. to turn --epochs into steps).
struct PreparedDataInfo {
  int64_t photos = 0;
  int64_t style = 0;
};
PreparedDataInfo prepared_data_info(const std::string& prepared_dir);

}  // namespace comicgan::data
