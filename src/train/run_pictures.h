// The pictures of a training run: sample grids (photo | generated, one pair per row) written
// every N steps, the loss curves of metrics.jsonl, and the fixed photos samples are made from
// (--val). Implemented with OpenCV in *_media.cpp; the trainer itself only calls hooks.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace comicgan::train {

// photos, generated: (N,3,H,W) in [-1,1]. Written atomically as PNG.
void write_sample_grid(const std::string& path, const at::Tensor& photos,
                       const at::Tensor& generated);

// Plots each loss series of RUN_DIR/metrics.jsonl (generator terms, discriminator total) against
// the step, each scaled to its own range, with a legend. Written atomically as PNG.
void write_loss_curve(const std::string& metrics_path, const std::string& png_path);

// Up to `max_count` images of `dir` (sorted by name; unreadable files skipped), centre-cropped to
// squares and resized to size x size: (N,3,size,size) in [-1,1]. Throws if none can be read.
at::Tensor load_sample_photos(const std::string& dir, int64_t size, int64_t max_count = 8);

}  // namespace comicgan::train
