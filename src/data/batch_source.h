// What training consumes: batches of unpaired photos and style images, as tensors. A source is a
// pure function of (seed, step) so a resumed run sees exactly the batches the uninterrupted run
// would have seen, and loaders may prepare future steps on other threads.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace comicgan::data {

struct TrainingBatch {
  at::Tensor photo;         // (N,3,H,W) float32 in [-1,1], RGB
  at::Tensor style;         // (N,3,H,W) style images (comic / anime), RGB in [-1,1]
  at::Tensor style_gray;    // (N,3,H,W) the same style images in grayscale, repeated to 3 channels
  at::Tensor style_smooth;  // (N,3,H,W) the same style images with edges smoothed (CartoonGAN)
  // (N,3,H,W) a classical rendering of each photo, cropped as the photo (data/prepare.h's
  // photo_target); undefined when the data has none.
  at::Tensor photo_target;
};

class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // The batch for training step `step` (0-based). Same step, same seed: same batch.
  virtual TrainingBatch batch(int64_t step) = 0;
  // Seconds spent waiting for data in batch() since the last call (for the log); 0 if unknown.
  virtual double take_wait_seconds() { return 0.0; }
};

}  // namespace comicgan::data
