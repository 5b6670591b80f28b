#include "io/model_file.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "comicgan/error.h"

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
  auto dir = std::filesystem::temp_directory_path() / "comicgan_model_file_test";
  std::filesystem::create_directories(dir);
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
  auto in_place = torch::from_blob(const_cast<uint8_t*>(data + img.offset), img.shape, torch::kUInt8);
  EXPECT_TRUE(torch::equal(in_place, m.tensors[0].second));
}
