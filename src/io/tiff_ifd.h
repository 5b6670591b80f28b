// A small, bounds-checked reader of TIFF image file directories (IFDs). TIFF files and the EXIF
// blocks inside JPEG/PNG/WebP share this layout, so one reader serves both the TIFF header check
// and the EXIF Orientation lookup. Every offset is checked against the buffer: a hostile file can
// make it return "not found", never read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace comicgan::io {

class TiffIfdReader {
 public:
  // `data` starts at the TIFF header ("II*\0" or "MM\0*"). valid() is false when it does not.
  TiffIfdReader(const uint8_t* data, size_t size);

  bool valid() const { return valid_; }
  // The first value of `tag` in the first IFD (SHORT or LONG), if present and readable.
  std::optional<uint32_t> value(uint16_t tag) const;
  // All values of `tag` (SHORT or LONG arrays, e.g. StripOffsets); nullopt if absent or out of
  // bounds, or if it holds more than max_count values.
  std::optional<std::vector<uint32_t>> values(uint16_t tag, size_t max_count) const;

 private:
  uint16_t u16(size_t at) const;
  uint32_t u32(size_t at) const;
  // Offset of the 12-byte entry for `tag` in the first IFD, or 0 when absent.
  size_t find_entry(uint16_t tag) const;

  const uint8_t* data_;
  size_t size_;
  bool big_endian_ = false;
  bool valid_ = false;
  size_t ifd_ = 0;      // offset of the first IFD
  size_t entries_ = 0;  // number of entries in it, all within the buffer
};

// Tag numbers used by comicgan.
inline constexpr uint16_t kTiffImageWidth = 256;
inline constexpr uint16_t kTiffImageLength = 257;
inline constexpr uint16_t kTiffStripOffsets = 273;
inline constexpr uint16_t kTiffOrientation = 274;
inline constexpr uint16_t kTiffStripByteCounts = 279;
inline constexpr uint16_t kTiffTileOffsets = 324;
inline constexpr uint16_t kTiffTileByteCounts = 325;

// The EXIF Orientation (1..8) stored in a TIFF-structured EXIF block; 1 (as stored) when the
// block is unreadable or the value is out of range, because a bad tag must not block a picture.
int exif_orientation(const uint8_t* tiff, size_t size);

}  // namespace comicgan::io
