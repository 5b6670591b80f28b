// A whole file mapped read-only into memory: large data files (prepared training shards) are read
// in place, so the page cache holds them rather than the process's heap, and several threads can
// read them at once without locking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace comicgan::io {

class MappedFile {
 public:
  // Throws comicgan::Error naming the path when the file cannot be opened or mapped, or is
  // larger than max_bytes.
  MappedFile(const std::string& path, size_t max_bytes);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace comicgan::io
