// Reading entries of a zip archive held in memory (the container of PyTorch checkpoints): the
// central directory (with zip64 records and extra fields), stored and deflate entries, CRC
// checked. Every offset and size read from the archive is checked against the buffer before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace comicgan::io {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;  // 0 stored, 8 deflate
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;  // uncompressed
  uint64_t local_header_offset = 0;
};

class ZipArchive {
 public:
  // `data` must outlive the archive; `label` names the file in errors.
  ZipArchive(const uint8_t* data, size_t size, std::string label, size_t max_entries);
  ZipArchive(const ZipArchive&) = delete;  // index_ views names inside entries_
  ZipArchive& operator=(const ZipArchive&) = delete;

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const ZipEntry* find(std::string_view name) const;

  // The entry's uncompressed bytes, refusing entries larger than max_bytes. Stored entries are
  // returned in place (a view into the archive's buffer); deflated ones are inflated into
  // `scratch` and the view points there.
  std::string_view read(const ZipEntry& entry, size_t max_bytes, std::string& scratch) const;

 private:
  void read_central_directory(size_t max_entries);

  const uint8_t* data_;
  size_t size_;
  std::string label_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string_view, size_t> index_;  // name -> entries_ position (first one)
};

}  // namespace comicgan::io
