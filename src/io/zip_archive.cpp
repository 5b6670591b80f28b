#include "io/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "comicgan/error.h"

namespace comicgan::io {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kMaxCommentSize = 0xffff;
constexpr uint16_t kZip64ExtraId = 0x0001;

// Little-endian reads from a bounds-checked cursor over [begin, end).
class Cursor {
 public:
  Cursor(const uint8_t* begin, size_t size, const std::string& label, const char* what)
      : p_(begin), end_(begin + size), label_(label), what_(what) {}

  template <typename T>
  T get() {
    need(sizeof(T));
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) value |= T(p_[i]) << (8 * i);
    p_ += sizeof(T);
    return value;
  }
  std::string_view bytes(size_t n) {
    need(n);
    std::string_view s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }
  void skip(size_t n) { bytes(n); }
  size_t left() const { return size_t(end_ - p_); }

 private:
  void need(size_t n) const {
    check(n <= left(), label_, ": truncated zip (", what_, " ends early); the file is incomplete");
  }
  const uint8_t* p_;
  const uint8_t* end_;
  const std::string& label_;
  const char* what_;
};

// Replaces the 0xffffffff placeholders of a central-directory entry by the 64-bit values of
// its zip64 extra field, which holds only the placeholders' values, in this order.
void apply_zip64_extra(std::string_view extra, ZipEntry& entry, bool size_in_64,
                       bool compressed_in_64, bool offset_in_64, const std::string& label) {
  Cursor c(reinterpret_cast<const uint8_t*>(extra.data()), extra.size(), label, "extra field");
  while (c.left() >= 4) {
    uint16_t id = c.get<uint16_t>();
    uint16_t len = c.get<uint16_t>();
    std::string_view body = c.bytes(len);
    if (id != kZip64ExtraId) continue;
    Cursor z(reinterpret_cast<const uint8_t*>(body.data()), body.size(), label, "zip64 field");
    if (size_in_64) entry.size = z.get<uint64_t>();
    if (compressed_in_64) entry.compressed_size = z.get<uint64_t>();
    if (offset_in_64) entry.local_header_offset = z.get<uint64_t>();
    return;
  }
  check(!(size_in_64 || compressed_in_64 || offset_in_64), label, ": zip entry ", entry.name,
        " lacks its zip64 sizes");
}

}  // namespace

ZipArchive::ZipArchive(const uint8_t* data, size_t size, std::string label, size_t max_entries)
    : data_(data), size_(size), label_(std::move(label)) {
  read_central_directory(max_entries);
}

void ZipArchive::read_central_directory(size_t max_entries) {
  check(size_ > 0, label_, ": the file is empty");
  check(size_ >= 4 && data_[0] == 'P' && data_[1] == 'K', label_,
        ": not a zip archive (a PyTorch checkpoint saved by torch.save since PyTorch 1.6 is one)");
  check(size_ >= kEndSize, label_, ": truncated zip (", size_, " bytes)");
  // The end record sits at the end, followed only by a comment of at most 64 KiB.
  size_t end = size_;
  size_t lowest = size_ - kEndSize > kMaxCommentSize ? size_ - kEndSize - kMaxCommentSize : 0;
  for (size_t at = size_ - kEndSize + 1; at-- > lowest;) {
    if (Cursor(data_ + at, 4, label_, "end record").get<uint32_t>() == kEndSig) {
      end = at;
      break;
    }
  }
  check(end != size_, label_,
        ": truncated zip (no central directory at the end); the file is incomplete");

  Cursor e(data_ + end, size_ - end, label_, "end record");
  e.skip(4 + 2 + 2 + 2);
  uint64_t count = e.get<uint16_t>();
  uint64_t dir_size = e.get<uint32_t>();
  uint64_t dir_offset = e.get<uint32_t>();
  if (end >= kZip64LocatorSize) {
    Cursor loc(data_ + end - kZip64LocatorSize, kZip64LocatorSize, label_, "zip64 locator");
    if (loc.get<uint32_t>() == kZip64LocatorSig) {
      loc.skip(4);
      uint64_t end64 = loc.get<uint64_t>();
      check(size_ >= kZip64EndSize && end64 <= size_ - kZip64EndSize, label_,
            ": corrupt zip (zip64 end record at ", end64, " is outside the file)");
      Cursor z(data_ + end64, kZip64EndSize, label_, "zip64 end record");
      check(z.get<uint32_t>() == kZip64EndSig, label_, ": corrupt zip (bad zip64 end record)");
      z.skip(8 + 2 + 2 + 4 + 4 + 8);
      count = z.get<uint64_t>();
      dir_size = z.get<uint64_t>();
      dir_offset = z.get<uint64_t>();
    }
  }
  check(count <= max_entries, label_, ": zip has ", count, " entries, more than the limit of ",
        max_entries);
  // Each entry takes at least 46 bytes of the directory: a larger count is a lie, refused
  // before anything is reserved for it.
  check(count <= dir_size / kCentralHeaderSize, label_, ": corrupt zip (", count,
        " entries in a central directory of ", dir_size, " bytes)");
  check(dir_offset <= size_ && dir_size <= size_ - dir_offset, label_,
        ": truncated zip (central directory at ", dir_offset, "+", dir_size, " of a ", size_,
        "-byte file)");

  Cursor c(data_ + dir_offset, size_t(dir_size), label_, "central directory");
  entries_.reserve(size_t(count));
  for (uint64_t i = 0; i < count; ++i) {
    check(c.get<uint32_t>() == kCentralHeaderSig, label_,
          ": corrupt zip (bad central directory entry ", i, ")");
    ZipEntry entry;
    c.skip(2 + 2);
    entry.flags = c.get<uint16_t>();
    entry.method = c.get<uint16_t>();
    c.skip(2 + 2);
    entry.crc32 = c.get<uint32_t>();
    entry.compressed_size = c.get<uint32_t>();
    entry.size = c.get<uint32_t>();
    uint16_t name_len = c.get<uint16_t>();
    uint16_t extra_len = c.get<uint16_t>();
    uint16_t comment_len = c.get<uint16_t>();
    c.skip(2 + 2 + 4);
    entry.local_header_offset = c.get<uint32_t>();
    entry.name = std::string(c.bytes(name_len));
    std::string_view extra = c.bytes(extra_len);
    c.skip(comment_len);
    apply_zip64_extra(extra, entry, entry.size == 0xffffffff, entry.compressed_size == 0xffffffff,
                      entry.local_header_offset == 0xffffffff, label_);
    entries_.push_back(std::move(entry));
  }
  // Built once all entries are in place: the keys view the names stored in entries_.
  for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].name, i);
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

std::string_view ZipArchive::read(const ZipEntry& entry, size_t max_bytes,
                                  std::string& scratch) const {
  check(entry.size <= max_bytes, label_, ": zip entry ", entry.name, " holds ", entry.size,
        " bytes, more than the limit of ", max_bytes);
  check((entry.flags & 1) == 0, label_, ": zip entry ", entry.name, " is encrypted");
  check(entry.local_header_offset <= size_ && size_ - entry.local_header_offset >= kLocalHeaderSize,
        label_, ": truncated zip (entry ", entry.name, " starts beyond the end)");
  // The local header's name and extra lengths may differ from the central directory's (PyTorch
  // pads the local extra field to align tensor data), so the data offset comes from here.
  Cursor local(data_ + entry.local_header_offset, kLocalHeaderSize, label_, "local header");
  check(local.get<uint32_t>() == kLocalHeaderSig, label_, ": corrupt zip (bad local header of ",
        entry.name, ")");
  local.skip(2 + 2 + 2 + 2 + 2 + 4 + 4 + 4);
  uint64_t start = entry.local_header_offset + kLocalHeaderSize + local.get<uint16_t>();
  start += local.get<uint16_t>();
  check(start <= size_ && entry.compressed_size <= size_ - start, label_, ": truncated zip (entry ",
        entry.name, " needs ", entry.compressed_size, " bytes at ", start, ", the file has ", size_,
        ")");
  const uint8_t* packed = data_ + start;

  std::string_view out;
  if (entry.method == 0) {
    check(entry.compressed_size == entry.size, label_, ": corrupt zip (stored entry ", entry.name,
          " has two sizes)");
    out = std::string_view(reinterpret_cast<const char*>(packed), size_t(entry.size));
  } else if (entry.method == 8) {
    // Deflate expands at most 1032:1; a larger declared size is a lie, refused before the
    // output buffer is allocated.
    check(entry.size / 1032 <= entry.compressed_size, label_, ": corrupt zip (entry ", entry.name,
          " claims ", entry.size, " bytes from ", entry.compressed_size, " compressed)");
    scratch.assign(size_t(entry.size), '\0');
    z_stream z{};
    check(inflateInit2(&z, -MAX_WBITS) == Z_OK, label_, ": cannot start zlib");
    // zlib counts in uInt; feed and drain in pieces so entries over 4 GiB work too.
    uint64_t in_left = entry.compressed_size, out_left = entry.size;
    z.next_in = const_cast<Bytef*>(packed);
    z.next_out = reinterpret_cast<Bytef*>(scratch.data());
    int status = Z_OK;
    while (status == Z_OK) {
      uInt in_chunk = uInt(std::min<uint64_t>(in_left, 1u << 30));
      uInt out_chunk = uInt(std::min<uint64_t>(out_left, 1u << 30));
      z.avail_in = in_chunk;
      z.avail_out = out_chunk;
      status = inflate(&z, Z_NO_FLUSH);
      in_left -= in_chunk - z.avail_in;
      out_left -= out_chunk - z.avail_out;
    }
    inflateEnd(&z);
    check(status == Z_STREAM_END && out_left == 0, label_, ": corrupt zip (entry ", entry.name,
          " does not inflate to its ", entry.size, " bytes)");
    out = scratch;
  } else {
    fail(label_, ": zip entry ", entry.name, " uses compression method ", entry.method,
         " (only stored and deflate are supported)");
  }
  uLong crc = 0;
  for (size_t done = 0; done < out.size();) {  // crc32 also counts in uInt
    uInt piece = uInt(std::min<size_t>(out.size() - done, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(out.data() + done), piece);
    done += piece;
  }
  check(crc == entry.crc32, label_, ": corrupt zip (checksum mismatch in ", entry.name, ")");
  return out;
}

}  // namespace comicgan::io
