#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "comicgan/error.h"

namespace comicgan::io {
namespace fs = std::filesystem;

namespace {
std::string unique_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, ".%d.%08llx.tmp", int(getpid()),
                (unsigned long long)(rng() & 0xffffffffULL));
  return buf;
}
}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
  fs::path t(target_);
  fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  check(fs::is_directory(dir), target_, ": the folder ", dir.string(), " does not exist");
  // A leading dot keeps the half-written file out of folder listings and globs.
  temp_ = (dir / ("." + t.filename().string() + unique_suffix())).string();
}

AtomicFile::~AtomicFile() {
  if (!committed_) std::remove(temp_.c_str());
}

void AtomicFile::commit() {
  int fd = ::open(temp_.c_str(), O_RDONLY);
  check(fd >= 0, target_, ": nothing was written (", std::strerror(errno), ")");
  bool synced = ::fsync(fd) == 0;
  int sync_errno = errno;
  ::close(fd);
  check(synced, target_, ": could not flush to disk (", std::strerror(sync_errno), ")");
  check(std::rename(temp_.c_str(), target_.c_str()) == 0, target_, ": could not write (",
        std::strerror(errno), ")");
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    check(bool(out), path, ": cannot write here (", std::strerror(errno), ")");
    out.write(bytes.data(), std::streamsize(bytes.size()));
    out.flush();
    check(bool(out), path, ": write failed (", std::strerror(errno), "; is the disk full?)");
  }
  file.commit();
}

void create_parent_folders(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  fs::create_directories(parent, ec);
  check(!ec, path, ": cannot create the folder ", parent.string(), " (", ec.message(), ")");
}

std::string read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  check(fs::is_regular_file(path, ec), path, ": no such file");
  auto size = fs::file_size(path, ec);
  check(!ec, path, ": cannot read (", ec.message(), ")");
  check(size <= max_bytes, path, ": ", size, " bytes is more than the limit of ", max_bytes);
  std::ifstream in(path, std::ios::binary);
  check(bool(in), path, ": cannot open (", std::strerror(errno), ")");
  std::string bytes(size, '\0');
  in.read(bytes.data(), std::streamsize(size));
  check(size_t(in.gcount()) == size, path, ": read only ", in.gcount(), " of ", size, " bytes");
  return bytes;
}

std::string make_unique_folder(const std::string& parent, const std::string& prefix) {
  std::string pattern = (fs::path(parent) / (prefix + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  check(::mkdtemp(buffer.data()) != nullptr, pattern, ": cannot create a folder (",
        std::strerror(errno), ")");
  return buffer.data();
}

}  // namespace comicgan::io
