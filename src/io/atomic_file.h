// Writing files so that a reader never sees half of one: write to a temporary file beside the
// target, flush it, then rename it over the target. A failure or a kill leaves the old target.
#pragma once

#include <string>
#include <string_view>

namespace comicgan::io {

// A temporary path beside `target`; commit() renames it into place, the destructor removes it
// if commit() was never reached.
class AtomicFile {
 public:
  explicit AtomicFile(std::string target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& temp_path() const { return temp_; }
  const std::string& target() const { return target_; }
  void commit();  // fsyncs the temporary file, renames it onto the target

 private:
  std::string target_;
  std::string temp_;
  bool committed_ = false;
};

// Writes `bytes` to `path` atomically; throws comicgan::Error naming the path on failure.
void write_file_atomically(const std::string& path, std::string_view bytes);

// Creates the folders `path` will live in (like mkdir -p of its parent); throws comicgan::Error
// naming the path when they cannot be made (e.g. a file sits where a folder should be).
void create_parent_folders(const std::string& path);

// Creates a new, empty folder `prefix` + six random characters inside `parent` (mkdtemp: no
// other caller, thread or process gets the same one) and returns its path; throws
// comicgan::Error naming the folder when it cannot be made.
std::string make_unique_folder(const std::string& parent, const std::string& prefix);

// Reads a whole file, refusing files larger than max_bytes.
std::string read_file(const std::string& path, size_t max_bytes);

}  // namespace comicgan::io
