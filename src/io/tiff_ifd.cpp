#include "io/tiff_ifd.h"

namespace comicgan::io {

namespace {
constexpr uint16_t kTypeShort = 3;
constexpr uint16_t kTypeLong = 4;
}  // namespace

TiffIfdReader::TiffIfdReader(const uint8_t* data, size_t size) : data_(data), size_(size) {
  if (size < 8) return;
  if (data[0] == 'I' && data[1] == 'I') {
    big_endian_ = false;
  } else if (data[0] == 'M' && data[1] == 'M') {
    big_endian_ = true;
  } else {
    return;
  }
  if (u16(2) != 42) return;  // 43 is BigTIFF, which this reader does not handle
  size_t ifd = u32(4);
  if (ifd < 8 || ifd > size - 2) return;
  size_t count = u16(ifd);
  if (count > (size - ifd - 2) / 12) return;  // entries must lie inside the buffer
  ifd_ = ifd;
  entries_ = count;
  valid_ = true;
}

uint16_t TiffIfdReader::u16(size_t at) const {
  const uint8_t* p = data_ + at;
  return big_endian_ ? uint16_t(p[0] << 8 | p[1]) : uint16_t(p[1] << 8 | p[0]);
}

uint32_t TiffIfdReader::u32(size_t at) const {
  const uint8_t* p = data_ + at;
  return big_endian_ ? uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]
                     : uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | p[0];
}

size_t TiffIfdReader::find_entry(uint16_t tag) const {
  if (!valid_) return 0;
  for (size_t i = 0; i < entries_; ++i) {
    size_t entry = ifd_ + 2 + 12 * i;
    if (u16(entry) == tag) return entry;
  }
  return 0;
}

std::optional<std::vector<uint32_t>> TiffIfdReader::values(uint16_t tag, size_t max_count) const {
  size_t entry = find_entry(tag);
  if (entry == 0) return std::nullopt;
  uint16_t type = u16(entry + 2);
  size_t count = u32(entry + 4);
  if (type != kTypeShort && type != kTypeLong) return std::nullopt;
  if (count == 0 || count > max_count) return std::nullopt;
  size_t width = type == kTypeShort ? 2 : 4;
  // Values that fit in 4 bytes are stored in the entry itself, others at an offset.
  size_t at = entry + 8;
  if (count * width > 4) {
    at = u32(entry + 8);
    if (at > size_ || count * width > size_ - at) return std::nullopt;
  }
  std::vector<uint32_t> out(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = type == kTypeShort ? u16(at + 2 * i) : u32(at + 4 * i);
  return out;
}

std::optional<uint32_t> TiffIfdReader::value(uint16_t tag) const {
  auto all = values(tag, 1);
  if (!all) return std::nullopt;
  return all->front();
}

int exif_orientation(const uint8_t* tiff, size_t size) {
  TiffIfdReader reader(tiff, size);
  auto orientation = reader.value(kTiffOrientation);
  if (!orientation || *orientation < 1 || *orientation > 8) return 1;
  return int(*orientation);
}

}  // namespace comicgan::io
