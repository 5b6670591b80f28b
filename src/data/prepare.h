// `comicgan prepare`: turns two folders of pictures (photos, and comic / anime style images) into
// prepared training data (prepared_format.h) once, so training reads small decoded shards rather
// than decoding, resizing and edge-smoothing the same files every epoch.
//
// Folders are scanned recursively for .jpg .jpeg .png .webp .bmp .tif .tiff files. Each is read
// with io::read_image (EXIF orientation, 16-bit, alpha over white, pixel limits), resized so its
// shorter side is `short_side`, its longer side cropped (centred) to at most max_aspect times
// that; style images also get their grayscale and edge-smoothed copies. Files that cannot be
// used are reported with the reason and skipped. Re-running with unchanged inputs (same files,
// sizes and modification times, same options) reuses what is there. Needs OpenCV
// (prepare_media.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "io/image_io.h"

namespace comicgan::data {

struct PrepareOptions {
  std::string photos_dir, style_dir, output_dir;
  int short_side = 256;     // the shorter side after resizing
  double max_aspect = 2.0;  // the longer side is cropped (centred) to at most this * short_side
  int min_side = 64;        // pictures whose shorter side is smaller are skipped as too small
  int threads = 0;          // decoding threads; 0 = the cores available
  size_t shard_bytes = size_t(256) << 20;  // pixel bytes per shard file, about
  io::ImageLimits limits;
  bool force = false;  // rebuild even when the cache matches
  // A pseudo-target stored beside each photo, for training G towards a classical rendering of
  // the photo (TrainConfig::target_weight): "" none, "meanshift" the edge-preserving filter
  // (data/edge_preserving_media.h: flat regions, colours and edges kept), "comic" the classical
  // comic renderer (`comicgan synth --look comic`: palette colours and ink lines).
  std::string photo_target;
};

// The pseudo-targets prepare knows.
std::vector<std::string> photo_target_names();

struct SkippedFile {
  std::string domain;  // "photos" or "style"
  std::string path;
  std::string reason;
};

struct DomainReport {
  size_t found = 0;     // picture files found (by extension)
  size_t read = 0;      // prepared and usable
  size_t skipped = 0;   // found but unusable (see PrepareReport::skipped)
  size_t ignored = 0;   // other files in the folder (not pictures by their extension)
  bool reused = false;  // the cache matched: nothing was decoded
};

struct PrepareReport {
  std::string output_dir;
  DomainReport photos, style;
  std::vector<SkippedFile> skipped;
};

// Throws comicgan::Error for a missing folder, or when a domain has no usable picture (the
// message lists why files were skipped). `log` hears progress lines; it may be empty.
PrepareReport prepare_training_data(const PrepareOptions& o,
                                    std::function<void(const std::string&)> log);

// A few lines a person can read: N read, M skipped with their reasons (the first `max_listed`).
std::string summarize(const PrepareReport& report, size_t max_listed = 20);

}  // namespace comicgan::data
