// Looking at an encoded picture before decoding it: which format it is, how big it says it is,
// whether its structure is complete (a truncated JPEG or PNG decodes "successfully" into a half
// grey picture, so the decoder alone cannot be trusted), and which EXIF orientation it carries.
// Pure byte parsing with every offset bounds-checked; no pixel is allocated here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/image_io.h"

namespace comicgan::io {

enum class ImageFormat { jpeg, png, webp, bmp, tiff };

const char* format_name(ImageFormat format);  // "JPEG", "PNG", ...

struct ImageHeader {
  ImageFormat format = ImageFormat::png;
  int64_t width = 0;  // as stored, before the orientation is applied
  int64_t height = 0;
  int orientation = 1;  // EXIF Orientation 1..8 (1: as stored)
};

// Recognises the format, reads the dimensions and refuses them if they break `limits`, then
// walks the whole file structure (JPEG markers up to EOI, PNG chunks and CRCs up to IEND, RIFF
// chunks, BMP pixel array size, TIFF strip extents). Throws comicgan::Error naming `label`:
// "<label>: not an image (unrecognised format)", "<label>: truncated or corrupt image (...)",
// "<label>: WxH = N pixels exceeds the limit of M (--max-pixels)".
ImageHeader inspect_image(const uint8_t* data, size_t size, const std::string& label,
                          const ImageLimits& limits);

}  // namespace comicgan::io
