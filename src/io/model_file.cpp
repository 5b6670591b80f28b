#include "io/model_file.h"

#include <zlib.h>

#include <cstring>

#include "comicgan/error.h"
#include "io/atomic_file.h"

namespace comicgan::io {
namespace {

constexpr char kMagic[8] = {'C', 'O', 'M', 'I', 'C', 'G', 'A', 'N'};
constexpr size_t kPreamble = 8 + 4 + 8;
constexpr size_t kAlign = 64;

size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

std::string dtype_name(at::ScalarType t) {
  switch (t) {
    case at::kFloat:
      return "float32";
    case at::kHalf:
      return "float16";
    case at::kBFloat16:
      return "bfloat16";
    case at::kByte:
      return "uint8";
    default:
      fail("model file: cannot store tensors of type ", t);
  }
}

at::ScalarType dtype_from_name(const std::string& name, const std::string& label) {
  if (name == "float32") return at::kFloat;
  if (name == "float16") return at::kHalf;
  if (name == "bfloat16") return at::kBFloat16;
  if (name == "uint8") return at::kByte;
  fail(label, ": unknown tensor type '", name, "'");
}

template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// JSON nesting beyond this is refused while parsing: a real header is 3 levels deep, and a
// header of 16 MiB of "[[[[..." would otherwise become millions of nested values.
constexpr int kMaxJsonDepth = 32;
constexpr size_t kMaxDims = 64;

// A non-negative integer from the header; a float, a negative number or a string is refused
// (nlohmann's get<uint64_t> would cast 1e300 to an integer, which is undefined).
uint64_t header_uint(const nlohmann::json& value, const std::string& label, const char* what) {
  check(value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0),
        label, ": corrupt model file header (", what, " is not a non-negative integer)");
  return value.get<uint64_t>();
}

template <typename T>
T get(const uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

}  // namespace

std::string model_file_bytes(const ModelFile& model) {
  nlohmann::json header = model.meta;
  header["format_version"] = kModelFormatVersion;
  std::string data;
  nlohmann::json table = nlohmann::json::array();
  for (const auto& [name, tensor] : model.tensors) {
    at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    size_t nbytes = t.numel() * t.element_size();
    data.resize(align_up(data.size()));
    table.push_back({{"name", name},
                     {"dtype", dtype_name(t.scalar_type())},
                     {"shape", t.sizes().vec()},
                     {"offset", data.size()},
                     {"nbytes", nbytes}});
    data.append(static_cast<const char*>(t.data_ptr()), nbytes);
  }
  header["tensors"] = table;
  header["data_crc32"] = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size()));
  std::string json = header.dump();

  std::string out(kMagic, sizeof kMagic);
  put<uint32_t>(out, kModelFormatVersion);
  put<uint64_t>(out, json.size());
  out += json;
  out.resize(align_up(out.size()), '\0');
  out += data;
  return out;
}

void write_model_file(const std::string& path, const ModelFile& model) {
  write_file_atomically(path, model_file_bytes(model));
}

ModelFile read_model_file(const std::string& path, const ModelFileLimits& limits) {
  std::string bytes = read_file(path, limits.max_file_bytes);
  return read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), path,
                               limits);
}

ModelFileIndex index_model_file_bytes(const uint8_t* data, size_t size, const std::string& label,
                                      const ModelFileLimits& limits) {
  check(size >= kPreamble && std::memcmp(data, kMagic, sizeof kMagic) == 0, label,
        ": not a comicgan model file (use 'comicgan import' to convert a PyTorch checkpoint)");
  auto version = get<uint32_t>(data + 8);
  check(version >= 1 && version <= kModelFormatVersion, label, ": model file format version ",
        version, " is newer than this comicgan reads (", kModelFormatVersion, ")");
  auto header_len = get<uint64_t>(data + 12);
  check(header_len <= limits.max_header_bytes && header_len <= size - kPreamble, label,
        ": truncated or corrupt model file (header of ", header_len, " bytes, file of ", size, ")");
  size_t data_start = align_up(kPreamble + header_len);
  check(data_start <= size, label, ": truncated model file");

  ModelFileIndex index;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(data + kPreamble, data + kPreamble + header_len,
                                   [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
                                     check(depth <= kMaxJsonDepth, label,
                                           ": corrupt model file header (nested deeper than ",
                                           kMaxJsonDepth, " levels)");
                                     return true;
                                   });
    const auto& table = header.at("tensors");
    check(table.is_array() && table.size() <= limits.max_tensors, label,
          ": bad tensor table in model file");
    const uint8_t* blob = data + data_start;
    size_t blob_size = size - data_start;
    uLong crc = crc32(0L, blob, uInt(blob_size));
    check(crc == header_uint(header.at("data_crc32"), label, "data_crc32"), label,
          ": model file is corrupt (checksum mismatch)");
    // Tensors lie one after the other, as written: no two share bytes, so what the reader
    // allocates for them adds up to at most the file's size.
    uint64_t previous_end = 0;
    for (const auto& entry : table) {
      TensorEntry t;
      t.name = entry.at("name").get<std::string>();
      t.dtype = dtype_from_name(entry.at("dtype").get<std::string>(), label);
      const auto& shape = entry.at("shape");
      check(shape.is_array() && shape.size() <= kMaxDims, label, ": tensor ", t.name,
            " has an impossible shape");
      uint64_t offset = header_uint(entry.at("offset"), label, "a tensor offset");
      t.nbytes = header_uint(entry.at("nbytes"), label, "a tensor size");
      uint64_t numel = 1;
      for (const auto& dim : shape) {
        uint64_t d = header_uint(dim, label, "a tensor dimension");
        check(d <= blob_size && (d == 0 || numel <= blob_size / d), label, ": tensor ", t.name,
              " has an impossible shape");
        numel *= d;
        t.shape.push_back(int64_t(d));
      }
      check(t.nbytes == numel * at::elementSize(t.dtype) && offset <= blob_size &&
                t.nbytes <= blob_size - offset,
            label, ": tensor ", t.name, " lies outside the file");
      check(offset >= previous_end, label, ": tensor ", t.name,
            " overlaps the one before it (corrupt model file)");
      previous_end = offset + t.nbytes;
      t.offset = data_start + offset;
      index.tensors.push_back(std::move(t));
    }
  } catch (const nlohmann::json::exception& e) {
    fail(label, ": corrupt model file header (", e.what(), ")");
  }
  header.erase("tensors");
  header.erase("data_crc32");
  index.meta = std::move(header);
  return index;
}

ModelFile read_model_file_bytes(const uint8_t* data, size_t size, const std::string& label,
                                const ModelFileLimits& limits) {
  ModelFileIndex index = index_model_file_bytes(data, size, label, limits);
  ModelFile model;
  model.meta = std::move(index.meta);
  for (auto& entry : index.tensors) {
    at::Tensor t = at::empty(entry.shape, at::TensorOptions().dtype(entry.dtype));
    if (entry.nbytes > 0)
      std::memcpy(t.data_ptr(), data + entry.offset, entry.nbytes);  // 0: no buffer
    model.tensors.emplace_back(std::move(entry.name), std::move(t));
  }
  return model;
}

}  // namespace comicgan::io
