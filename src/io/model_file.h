// comicgan's own model file (.cgm): one self-describing file holding the architecture and its
// options, the weights, the style name, provenance and a format version.
//
// Layout: "COMICGAN" magic (8 bytes), u32 format version, u64 header length, the header as UTF-8
// JSON, zero padding to a 64-byte boundary, then the tensor data. The header lists every tensor
// (name, dtype, shape, offset, byte count) and a CRC-32 of the data.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "io/named_tensors.h"

namespace comicgan::io {

inline constexpr uint32_t kModelFormatVersion = 1;

struct ModelFile {
  // {"architecture": "animegan2", "options": {...}, "name": "...", "provenance": {...}}
  nlohmann::json meta;
  NamedTensors tensors;
};

struct ModelFileLimits {
  size_t max_file_bytes = size_t(2) << 30;
  size_t max_header_bytes = size_t(16) << 20;
  size_t max_tensors = 10000;
};

// Writes atomically (temporary file + rename). Tensors are stored contiguous, little-endian, in
// their own dtype (float32, float16, bfloat16, or uint8 for image data such as prepared shards).
void write_model_file(const std::string& path, const ModelFile& model);
std::string model_file_bytes(const ModelFile& model);

ModelFile read_model_file(const std::string& path, const ModelFileLimits& limits = {});
ModelFile read_model_file_bytes(const uint8_t* data, size_t size, const std::string& label,
                                const ModelFileLimits& limits = {});

// Where each tensor lies in a file held in memory (or mapped), after the same checks as
// read_model_file_bytes (checksum included), without copying the data: for large files of many
// small tensors (prepared training shards) read in place.
struct TensorEntry {
  std::string name;
  at::ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t offset = 0;  // from the start of the file
  uint64_t nbytes = 0;
};
struct ModelFileIndex {
  nlohmann::json meta;
  std::vector<TensorEntry> tensors;
};
ModelFileIndex index_model_file_bytes(const uint8_t* data, size_t size, const std::string& label,
                                      const ModelFileLimits& limits = {});

}  // namespace comicgan::io
