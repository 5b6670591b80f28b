// Image inputs that once misbehaved under libFuzzer (scripts/fuzz image_fuzz), replayed on every
// run: each must be decoded or refused with comicgan::Error. Also the fuzzer's seeds, one per
// format, which must decode to their 16x12 pixels.
#include <gtest/gtest.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

TEST(FuzzRegressions, ImageDecoder) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-regressions" / "image", ec)) {
    std::string bytes = io::read_file(e.path().string(), 64 << 20);
    try {
      io::decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "regression");
    } catch (const Error&) {
    } catch (const std::exception& ex) {
      ADD_FAILURE() << e.path() << ": escaped as a non-comicgan exception: " << ex.what();
    }
  }
}

TEST(FuzzSeeds, ImagesDecode) {
  int seen = 0;
  for (const auto& e : fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "image")) {
    if (e.path().extension() == ".py") continue;
    Image image = io::read_image(e.path().string());
    EXPECT_EQ(image.width, 16) << e.path();
    EXPECT_EQ(image.height, 12) << e.path();
    ++seen;
  }
  EXPECT_EQ(seen, 10);
}
