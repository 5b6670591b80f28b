#include "io/image_header.h"

#include <zlib.h>

#include <cstring>

#include "comicgan/error.h"
#include "io/tiff_ifd.h"

namespace comicgan::io {

namespace {

uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
uint16_t le16(const uint8_t* p) { return uint16_t(p[1] << 8 | p[0]); }
uint32_t le24(const uint8_t* p) { return uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0]; }
uint32_t le32(const uint8_t* p) { return uint32_t(p[3]) << 24 | le24(p); }

bool starts_with(const uint8_t* data, size_t size, const char* magic, size_t n) {
  return size >= n && std::memcmp(data, magic, n) == 0;
}

// One inspection: the bytes, the name for messages, and the header being filled in.
class Inspector {
 public:
  Inspector(const uint8_t* data, size_t size, const std::string& label, const ImageLimits& limits)
      : data_(data), size_(size), label_(label), limits_(limits) {}

  ImageHeader png();
  ImageHeader jpeg();
  ImageHeader webp();
  ImageHeader bmp();
  ImageHeader tiff();

 private:
  [[noreturn]] void corrupt(const std::string& why) const {
    fail(label_, ": truncated or corrupt image (", why, ")");
  }
  void set_size(int64_t width, int64_t height);

  const uint8_t* data_;
  size_t size_;
  const std::string& label_;
  const ImageLimits& limits_;
  ImageHeader header_;
};

void Inspector::set_size(int64_t width, int64_t height) {
  if (width <= 0 || height <= 0)
    corrupt(format_name(header_.format) + std::string(" header says ") + std::to_string(width) +
            "x" + std::to_string(height));
  // Compared by division so that no product can overflow, whatever the limits are.
  bool too_many = width > limits_.max_pixels / height;
  check(!too_many, label_, ": ", width, "x", height, " = ", uint64_t(width) * uint64_t(height),
        " pixels exceeds the limit of ", limits_.max_pixels, " (--max-pixels)");
  check(width <= limits_.max_side && height <= limits_.max_side, label_, ": ", width, "x", height,
        " has a side longer than the limit of ", limits_.max_side, " pixels (--max-side)");
  header_.width = width;
  header_.height = height;
}

ImageHeader Inspector::png() {
  header_.format = ImageFormat::png;
  // Signature, then IHDR (length 13) must come first.
  if (size_ < 8 + 8 + 13 + 4) corrupt("PNG ends inside its header");
  if (be32(data_ + 8) != 13 || std::memcmp(data_ + 12, "IHDR", 4) != 0)
    corrupt("PNG does not start with an IHDR chunk");
  set_size(be32(data_ + 16), be32(data_ + 20));

  bool seen_idat = false;
  size_t pos = 8;
  while (true) {
    if (size_ - pos < 12) corrupt("PNG ends before its IEND chunk");
    const uint8_t* chunk = data_ + pos;
    uint32_t length = be32(chunk);
    if (length > 0x7fffffffu) corrupt("PNG chunk length out of range");
    if (length > size_ - pos - 12) corrupt("PNG ends inside a chunk");
    uint32_t crc = uint32_t(crc32(0L, chunk + 4, uInt(length + 4)));
    if (crc != be32(chunk + 8 + length)) {
      std::string type(reinterpret_cast<const char*>(chunk + 4), 4);
      corrupt("PNG chunk " + type + " has a bad checksum");
    }
    if (std::memcmp(chunk + 4, "IDAT", 4) == 0) seen_idat = true;
    if (std::memcmp(chunk + 4, "eXIf", 4) == 0)
      header_.orientation = exif_orientation(chunk + 8, length);
    if (std::memcmp(chunk + 4, "IEND", 4) == 0) break;
    pos += 12 + size_t(length);
  }
  if (!seen_idat) corrupt("PNG has no image data");
  return header_;
}

ImageHeader Inspector::jpeg() {
  header_.format = ImageFormat::jpeg;
  bool seen_sof = false, seen_sos = false, seen_exif = false;
  size_t pos = 2;  // after SOI
  while (true) {
    if (pos >= size_) corrupt("JPEG ends before its end-of-image marker");
    if (data_[pos] != 0xFF) corrupt("JPEG marker expected at byte " + std::to_string(pos));
    while (pos < size_ && data_[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= size_) corrupt("JPEG ends before its end-of-image marker");
    uint8_t marker = data_[pos++];
    if (marker == 0xD9) break;                                           // EOI
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no payload
    if (marker == 0x00 || marker == 0xD8) corrupt("JPEG has a stray marker");
    if (size_ - pos < 2) corrupt("JPEG ends inside a marker segment");
    size_t length = be16(data_ + pos);
    if (length < 2) corrupt("JPEG marker segment length out of range");
    if (length > size_ - pos) corrupt("JPEG ends inside a marker segment");
    const uint8_t* segment = data_ + pos + 2;
    size_t payload = length - 2;

    bool is_sof =
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (is_sof && !seen_sof) {
      if (payload < 6) corrupt("JPEG frame header too short");
      set_size(be16(segment + 3), be16(segment + 1));
      seen_sof = true;
    }
    if (marker == 0xE1 && !seen_exif && payload >= 6 && std::memcmp(segment, "Exif\0\0", 6) == 0) {
      header_.orientation = exif_orientation(segment + 6, payload - 6);
      seen_exif = true;
    }
    pos += length;
    if (marker == 0xDA) {  // SOS: entropy-coded data follows, up to the next real marker
      if (!seen_sof) corrupt("JPEG scan before its frame header");
      seen_sos = true;
      while (true) {
        const void* ff = pos < size_ ? std::memchr(data_ + pos, 0xFF, size_ - pos) : nullptr;
        if (!ff) corrupt("JPEG ends before its end-of-image marker");
        pos = size_t(static_cast<const uint8_t*>(ff) - data_);
        if (pos + 1 >= size_) corrupt("JPEG ends before its end-of-image marker");
        uint8_t next = data_[pos + 1];
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {  // stuffed byte, restart marker
          pos += 2;
          continue;
        }
        break;  // a marker (possibly after fill bytes) starts at pos
      }
    }
  }
  if (!seen_sos) corrupt("JPEG has no image data");
  return header_;
}

ImageHeader Inspector::webp() {
  header_.format = ImageFormat::webp;
  size_t riff_size = le32(data_ + 4);
  if (riff_size > size_ - 8) corrupt("WebP is shorter than its RIFF header says");
  size_t end = 8 + riff_size;
  bool seen_frame = false, seen_size = false;
  size_t pos = 12;
  while (pos < end) {
    if (end - pos < 8) corrupt("WebP ends inside a chunk header");
    const uint8_t* fourcc = data_ + pos;
    size_t length = le32(data_ + pos + 4);
    if (length > end - pos - 8) corrupt("WebP ends inside a chunk");
    const uint8_t* payload = data_ + pos + 8;
    auto is = [&](const char* name) { return std::memcmp(fourcc, name, 4) == 0; };
    if (is("VP8X") && !seen_size) {
      if (length < 10) corrupt("WebP VP8X chunk too short");
      check(!(payload[0] & 0x02), label_, ": animated WebP is not supported; extract a frame");
      set_size(int64_t(le24(payload + 4)) + 1, int64_t(le24(payload + 7)) + 1);
      seen_size = true;
    } else if (is("VP8 ")) {
      if (length < 10 || payload[3] != 0x9d || payload[4] != 0x01 || payload[5] != 0x2a)
        corrupt("WebP VP8 frame header is damaged");
      if (!seen_size) set_size(le16(payload + 6) & 0x3fff, le16(payload + 8) & 0x3fff);
      seen_size = seen_frame = true;
    } else if (is("VP8L")) {
      if (length < 5 || payload[0] != 0x2f) corrupt("WebP VP8L header is damaged");
      uint32_t bits = le32(payload + 1);
      if (!seen_size) set_size(int64_t(bits & 0x3fff) + 1, int64_t((bits >> 14) & 0x3fff) + 1);
      seen_size = seen_frame = true;
    } else if (is("EXIF")) {
      // The spec says the payload is the TIFF block; some writers keep JPEG's "Exif\0\0".
      size_t skip = length >= 6 && std::memcmp(payload, "Exif\0\0", 6) == 0 ? 6 : 0;
      header_.orientation = exif_orientation(payload + skip, length - skip);
    }
    pos += 8 + length + (length & 1);  // chunks are padded to an even size
  }
  if (!seen_frame) corrupt("WebP has no image data");
  return header_;
}

ImageHeader Inspector::bmp() {
  header_.format = ImageFormat::bmp;
  if (size_ < 26) corrupt("BMP ends inside its header");
  size_t pixel_offset = le32(data_ + 10);
  size_t info_size = le32(data_ + 14);
  int64_t width = 0, height = 0;
  unsigned bits = 0, compression = 0;
  if (info_size == 12) {  // OS/2 BITMAPCOREHEADER
    width = le16(data_ + 18);
    height = le16(data_ + 20);
    bits = le16(data_ + 24);
  } else {
    if (info_size < 16 || size_ < 14 + info_size) corrupt("BMP ends inside its header");
    width = int32_t(le32(data_ + 18));
    height = int32_t(le32(data_ + 22));
    bits = le16(data_ + 28);
    if (info_size >= 20) compression = le32(data_ + 30);
  }
  set_size(width, height < 0 ? -height : height);  // negative height: rows stored top-down
  // What OpenCV's BMP decoder reads: uncompressed, RLE8, RLE4 and bit-field pixels.
  check(compression <= 3, label_, ": BMP compression type ", compression,
        " is not supported; save it as PNG");
  check(bits == 1 || bits == 4 || bits == 8 || bits == 15 || bits == 16 || bits == 24 || bits == 32,
        label_, ": truncated or corrupt image (BMP with ", bits, " bits per pixel)");
  // Uncompressed pixel arrays have a known size; RLE ones are checked by the decoder.
  if (compression == 0 || compression == 3) {
    uint64_t stride = (uint64_t(header_.width) * bits + 31) / 32 * 4;
    if (pixel_offset > size_ || uint64_t(header_.height) > (size_ - pixel_offset) / stride)
      corrupt("BMP is shorter than its pixel array");
  }
  return header_;
}

ImageHeader Inspector::tiff() {
  header_.format = ImageFormat::tiff;
  TiffIfdReader reader(data_, size_);
  if (!reader.valid()) {
    bool big_tiff = (data_[2] == 43 && data_[3] == 0) || (data_[2] == 0 && data_[3] == 43);
    check(!big_tiff, label_, ": BigTIFF files are not supported; save as a classic TIFF or PNG");
    corrupt("TIFF directory is damaged");
  }
  auto width = reader.value(kTiffImageWidth), height = reader.value(kTiffImageLength);
  if (!width || !height) corrupt("TIFF has no image size");
  set_size(*width, *height);
  // Every strip or tile must lie inside the file.
  constexpr size_t kMaxPieces = size_t(1) << 24;
  auto offsets = reader.values(kTiffStripOffsets, kMaxPieces);
  auto counts = reader.values(kTiffStripByteCounts, kMaxPieces);
  if (!offsets) {
    offsets = reader.values(kTiffTileOffsets, kMaxPieces);
    counts = reader.values(kTiffTileByteCounts, kMaxPieces);
  }
  if (!offsets) corrupt("TIFF has no strip or tile offsets");
  if (counts && counts->size() == offsets->size()) {
    for (size_t i = 0; i < offsets->size(); ++i)
      if ((*offsets)[i] > size_ || (*counts)[i] > size_ - (*offsets)[i])
        corrupt("TIFF is shorter than its image data");
  }
  // The TIFF Orientation tag is left as stored: libtiff-based decoders differ in how they
  // treat it, and camera pictures arrive as JPEG.
  return header_;
}

}  // namespace

const char* format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::jpeg:
      return "JPEG";
    case ImageFormat::png:
      return "PNG";
    case ImageFormat::webp:
      return "WebP";
    case ImageFormat::bmp:
      return "BMP";
    case ImageFormat::tiff:
      return "TIFF";
  }
  return "image";
}

ImageHeader inspect_image(const uint8_t* data, size_t size, const std::string& label,
                          const ImageLimits& limits) {
  check(size > 0, label, ": empty file (0 bytes), not an image");
  check(size <= limits.max_file_bytes, label, ": ", size, " bytes exceeds the limit of ",
        limits.max_file_bytes, " bytes for an image file");
  Inspector inspect(data, size, label, limits);
  if (starts_with(data, size, "\x89PNG\r\n\x1a\n", 8)) return inspect.png();
  if (starts_with(data, size, "\xFF\xD8\xFF", 3)) return inspect.jpeg();
  if (size >= 12 && starts_with(data, size, "RIFF", 4) && starts_with(data + 8, 4, "WEBP", 4))
    return inspect.webp();
  if (starts_with(data, size, "BM", 2)) return inspect.bmp();
  if (starts_with(data, size, "II*\0", 4) || starts_with(data, size, "MM\0*", 4) ||
      starts_with(data, size, "II+\0", 4) || starts_with(data, size, "MM\0+", 4))
    return inspect.tiff();
  check(!starts_with(data, size, "GIF8", 4), label,
        ": GIF images are not supported; convert it to PNG");
  fail(label, ": not an image (unrecognised format; comicgan reads JPEG, PNG, WebP, BMP and TIFF)");
}

}  // namespace comicgan::io
