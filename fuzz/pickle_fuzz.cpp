// libFuzzer target: the pickle interpreter of PyTorch checkpoints, past the zip's CRC-32 checks
// (in checkpoint_fuzz almost every mutation of data.pkl fails its checksum, so the unpickler is
// barely reached). The input is a list of records, each a little-endian u32 length and that many
// bytes: the first is archive/data.pkl, the next ones archive/data/0, archive/data/1, ... (the
// storages). The harness zips them, stored and with valid checksums, and reads the checkpoint.
// Seeds: tests/fixtures/fuzz-seeds/pickle (fixture checkpoints split into records).
#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

#include "fuzz_target.h"
#include "io/torch_checkpoint.h"

namespace {

template <typename T>
void put(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) out += char(uint64_t(value) >> (8 * i) & 0xff);
}

// A zip of stored entries, as Python's zipfile writes it.
std::string zip_of(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, central;
  for (const auto& [name, data] : entries) {
    uint32_t crc =
        uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())));
    uint32_t offset = uint32_t(out.size());
    put<uint32_t>(out, 0x04034b50);
    put<uint16_t>(out, 20), put<uint16_t>(out, 0), put<uint16_t>(out, 0);  // version, flags, stored
    put<uint32_t>(out, 0), put<uint32_t>(out, crc);                        // time+date, crc
    put<uint32_t>(out, uint32_t(data.size())), put<uint32_t>(out, uint32_t(data.size()));
    put<uint16_t>(out, uint16_t(name.size())), put<uint16_t>(out, 0);
    out += name + data;
    put<uint32_t>(central, 0x02014b50);
    put<uint16_t>(central, 20), put<uint16_t>(central, 20), put<uint16_t>(central, 0);
    put<uint16_t>(central, 0), put<uint32_t>(central, 0), put<uint32_t>(central, crc);
    put<uint32_t>(central, uint32_t(data.size())), put<uint32_t>(central, uint32_t(data.size()));
    put<uint16_t>(central, uint16_t(name.size()));
    put<uint16_t>(central, 0), put<uint16_t>(central, 0),
        put<uint16_t>(central, 0);  // extra, comment, disk
    put<uint16_t>(central, 0), put<uint32_t>(central, 0), put<uint32_t>(central, offset);
    central += name;
  }
  uint32_t central_offset = uint32_t(out.size());
  out += central;
  put<uint32_t>(out, 0x06054b50);
  put<uint16_t>(out, 0), put<uint16_t>(out, 0);
  put<uint16_t>(out, uint16_t(entries.size())), put<uint16_t>(out, uint16_t(entries.size()));
  put<uint32_t>(out, uint32_t(central.size())), put<uint32_t>(out, central_offset);
  put<uint16_t>(out, 0);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t pos = 0;
  while (size - pos >= 4 && entries.size() < 64) {
    uint32_t n = uint32_t(data[pos]) | uint32_t(data[pos + 1]) << 8 |
                 uint32_t(data[pos + 2]) << 16 | uint32_t(data[pos + 3]) << 24;
    pos += 4;
    n = uint32_t(std::min<size_t>(n, size - pos));
    std::string name =
        entries.empty() ? "archive/data.pkl" : "archive/data/" + std::to_string(entries.size() - 1);
    entries.emplace_back(name, std::string(reinterpret_cast<const char*>(data + pos), n));
    pos += n;
  }
  if (entries.empty()) return 0;
  std::string zip = zip_of(entries);
  return comicgan::fuzz::run_reader([&] {
    comicgan::io::CheckpointLimits limits;
    limits.max_tensor_bytes = 64 << 20;
    comicgan::io::read_torch_checkpoint_bytes(reinterpret_cast<const uint8_t*>(zip.data()),
                                              zip.size(), "fuzz.pt", limits);
  });
}
