#include "io/model_file.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "comicgan/error.h"
#include "test_paths.h"

using namespace comicgan;

namespace {
io::ModelFile sample() {
  io::ModelFile m;
  m.meta = {{"architecture", "animegan2"}, {"name", "test"}, {"options", {{"width", 0.5}}}};
  m.tensors.emplace_back("a", torch::randn({3, 4}));
  m.tensors.emplace_back("b.half", torch::randn({5}).to(torch::kHalf));
  m.tensors.emplace_back("c", torch::randn({2, 3}).t());  // non-contiguous
  return m;
}
}  // namespace

TEST(ModelFile, RoundTripsTensorsAndMeta) {
  auto m = sample();
  auto bytes = io::model_file_bytes(m);
  auto back = io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size(), "mem");
  EXPECT_EQ(back.meta["name"], "test");
  EXPECT_EQ(back.meta["format_version"], io::kModelFormatVersion);
  ASSERT_EQ(back.tensors.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.tensors[i].first, m.tensors[i].first);
    EXPECT_EQ(back.tensors[i].second.scalar_type(), m.tensors[i].second.scalar_type());
    EXPECT_TRUE(torch::equal(back.tensors[i].second, m.tensors[i].second.contiguous()));
  }
}

TEST(ModelFile, RefusesEveryTruncation) {
  auto bytes = io::model_file_bytes(sample());
  for (size_t n = 0; n < bytes.size(); n += 7)
    EXPECT_THROW(io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), n, "t"),
                 Error)
        << n;
}

TEST(ModelFile, RefusesFlippedDataByte) {
  auto bytes = io::model_file_bytes(sample());
  bytes[bytes.size() - 3] ^= 0x40;
  EXPECT_THROW(
      io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "t"),
      Error);
}

TEST(ModelFile, RefusesNonModel) {
  std::string junk = "PK\x03\x04 this is not a model";
  try {
    io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(junk.data()), junk.size(),
                              "junk.cgm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("junk.cgm: not a comicgan model file"), std::string::npos);
  }
}

TEST(ModelFile, WritesAtomically) {
  std::filesystem::path dir = comicgan_test::scratch_folder("model-file");
  auto path = (dir / "m.cgm").string();
  io::write_model_file(path, sample());
  auto back = io::read_model_file(path);
  EXPECT_EQ(back.tensors.size(), 3u);
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary left behind
  EXPECT_THROW(io::write_model_file((dir / "no/such/dir/m.cgm").string(), sample()), Error);
  std::filesystem::remove_all(dir);
}

TEST(ModelFile, StoresUint8AndIndexesInPlace) {
  io::ModelFile m;
  m.meta = {{"kind", "shard"}};
  m.tensors.emplace_back("img", torch::randint(0, 256, {5, 7, 3}, torch::kUInt8));
  m.tensors.emplace_back("f", torch::randn({4}));
  auto bytes = io::model_file_bytes(m);
  auto data = reinterpret_cast<const uint8_t*>(bytes.data());
  auto back = io::read_model_file_bytes(data, bytes.size(), "mem");
  EXPECT_TRUE(torch::equal(back.tensors[0].second, m.tensors[0].second));
  auto index = io::index_model_file_bytes(data, bytes.size(), "mem");
  EXPECT_EQ(index.meta["kind"], "shard");
  ASSERT_EQ(index.tensors.size(), 2u);
  const auto& img = index.tensors[0];
  EXPECT_EQ(img.dtype, at::kByte);
  EXPECT_EQ(img.shape, (std::vector<int64_t>{5, 7, 3}));
  EXPECT_EQ(img.offset % 64, 0u);
  auto in_place =
      torch::from_blob(const_cast<uint8_t*>(data + img.offset), img.shape, torch::kUInt8);
  EXPECT_TRUE(torch::equal(in_place, m.tensors[0].second));
}

namespace {

// A valid model file with its JSON header replaced by edit(header) (data and checksum kept):
// what a hostile or damaged file could say about the same bytes.
std::string with_header(const std::function<void(nlohmann::json&)>& edit,
                        const std::string& raw_header = "") {
  std::string file = io::model_file_bytes(sample());
  uint64_t length = 0;
  std::memcpy(&length, file.data() + 12, 8);
  size_t data_start = (20 + length + 63) / 64 * 64;
  nlohmann::json header = nlohmann::json::parse(file.substr(20, length));
  edit(header);
  std::string text = raw_header.empty() ? header.dump() : raw_header;
  std::string out = file.substr(0, 12);
  uint64_t new_length = text.size();
  out.append(reinterpret_cast<const char*>(&new_length), 8);
  out += text;
  out.resize((out.size() + 63) / 64 * 64, '\0');
  return out + file.substr(data_start);
}

std::string error_reading(const std::string& bytes) {
  try {
    io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                              "x.cgm");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(ModelFile, ReadsTensorsWithoutElements) {
  io::ModelFile m = sample();
  m.tensors.emplace_back("empty", torch::zeros({0, 4}));
  std::string bytes = io::model_file_bytes(m);
  io::ModelFile back = io::read_model_file_bytes(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                 bytes.size(), "e.cgm");
  ASSERT_EQ(back.tensors.size(), 4u);
  EXPECT_EQ(back.tensors[3].second.sizes(), (std::vector<int64_t>{0, 4}));
}

TEST(ModelFile, UnchangedHeaderStillReads) {  // the helper below itself makes valid files
  EXPECT_EQ(error_reading(with_header([](nlohmann::json&) {})), "(no error)");
}

TEST(ModelFile, RefusesSizesThatAreNotNonNegativeIntegers) {
  for (const auto& change : std::vector<std::pair<std::string, nlohmann::json>>{
           {"nbytes", 1e300}, {"offset", -64}, {"nbytes", "48"}, {"offset", 0.5}}) {
    std::string message = error_reading(
        with_header([&](nlohmann::json& h) { h["tensors"][0][change.first] = change.second; }));
    EXPECT_NE(message.find("is not a non-negative integer"), std::string::npos) << message;
  }
  std::string message = error_reading(with_header([](nlohmann::json& h) {
    h["tensors"][0]["shape"] = {3, -4};
  }));
  EXPECT_NE(message.find("tensor dimension is not a non-negative integer"), std::string::npos)
      << message;
  message = error_reading(with_header([](nlohmann::json& h) { h["data_crc32"] = 1e30; }));
  EXPECT_NE(message.find("data_crc32 is not a non-negative integer"), std::string::npos) << message;
}

TEST(ModelFile, RefusesTensorsSharingBytes) {
  // 10000 entries over the same bytes would allocate 10000 times the file: refused.
  std::string message = error_reading(with_header([](nlohmann::json& h) {
    h["tensors"][1] = h["tensors"][0];
    h["tensors"][1]["name"] = "copy";
  }));
  EXPECT_NE(message.find("tensor copy overlaps the one before it"), std::string::npos) << message;
}

TEST(ModelFile, RefusesAbsurdNestingAndDimensions) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string message = error_reading(with_header([](nlohmann::json&) {}, "{\"x\":" + deep + "}"));
  EXPECT_NE(message.find("nested deeper than"), std::string::npos) << message;
  message = error_reading(
      with_header([](nlohmann::json& h) { h["tensors"][0]["shape"] = std::vector<int>(100, 1); }));
  EXPECT_NE(message.find("impossible shape"), std::string::npos) << message;
}
