// Reading and writing pictures: JPEG, PNG, WebP, BMP and TIFF files <-> comicgan::Image (8-bit
// RGB or RGBA). Reading is defensive, because pictures come from users and HTTP uploads: the
// format is recognised from the bytes, the dimensions are read from the header and checked
// against ImageLimits before anything is decoded, and truncated or corrupt files are refused
// rather than returned half grey. Writing encodes in memory and renames into place, so a failed
// write never leaves a partial file. The implementation needs OpenCV (image_io_media.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "comicgan/image.h"

namespace comicgan::io {

// What read_image/decode_image accept; everything is checked before pixels are allocated.
struct ImageLimits {
  int64_t max_pixels = 100'000'000;           // width * height
  int64_t max_side = 65'535;                  // longest accepted width or height
  size_t max_file_bytes = size_t(512) << 20;  // encoded size
};

// Reads an image file. Grayscale becomes RGB, gray+alpha becomes RGBA, 16-bit samples are
// scaled to 8 bits (round(v / 257)), alpha is kept (4 channels), the EXIF Orientation of JPEG,
// PNG (eXIf) and WebP files is applied so the picture is upright. Throws comicgan::Error with a
// one-line message naming the file.
Image read_image(const std::string& path, const ImageLimits& limits = {});

// The same from bytes in memory (an HTTP upload, a fuzzer input); `label` names it in errors.
Image decode_image(const uint8_t* data, size_t size, const std::string& label,
                   const ImageLimits& limits = {});

struct WriteOptions {
  int jpeg_quality = 95;  // 1..100
  int webp_quality = 95;  // 1..100 lossy; 101 lossless (colour under alpha 0 is not kept)
};

// Writes `image` in the format its extension names (.jpg .jpeg .png .webp .bmp .tif .tiff,
// any case). JPEG and BMP have no alpha: an RGBA image is composited over white for them.
// The file is written to a temporary beside `path` and renamed, so on failure the previous
// file (if any) stays and no partial file is left.
void write_image(const std::string& path, const Image& image, const WriteOptions& options = {});

// Encodes `image` in memory; `extension` as in write_image ("png", ".png" or "out.png").
std::string encode_image(const Image& image, const std::string& extension,
                         const WriteOptions& options = {});

// True when the path's extension is one read_image accepts (by name only; nothing is opened).
bool is_image_path(const std::string& path);

// The accepted extensions, lower case with the dot: ".jpg", ".jpeg", ".png", ...
std::vector<std::string> image_extensions();

}  // namespace comicgan::io
