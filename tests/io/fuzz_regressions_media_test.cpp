// Image inputs that once misbehaved under libFuzzer (scripts/fuzz image_fuzz), replayed on every
// run: each must be decoded or refused with comicgan::Error. Also the fuzzer's seeds, one per
// format, which must decode to their 16x12 pixels.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

TEST(FuzzRegressions, ImageDecoder) {
  std::map<std::string, std::string> refused;  // file name -> error ("" if it decoded)
  for (const auto& e :
       fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-regressions" / "image")) {
    std::string bytes = io::read_file(e.path().string(), 64 << 20);
    std::string& message = refused[e.path().filename().string()];
    try {
      io::decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "regression");
    } catch (const Error& ex) {
      message = ex.what();
    } catch (const std::exception& ex) {
      ADD_FAILURE() << e.path() << ": escaped as a non-comicgan exception: " << ex.what();
    }
  }
  // The crafted inputs (make_crafted.py): every one is a lie or cut short, so each is refused
  // with a message that names the input.
  ASSERT_GE(refused.size(), 11u) << "the regression inputs are missing";
  for (const auto& [name, message] : refused) {
    EXPECT_NE(message, "") << name << " decoded";
    EXPECT_EQ(message.rfind("regression: ", 0), 0u) << name << ": " << message;
  }
  EXPECT_NE(refused["png-header-claims-100000x100000"].find("100000x100000"), std::string::npos)
      << refused["png-header-claims-100000x100000"];
}

TEST(FuzzSeeds, ImagesDecode) {
  int seen = 0;
  for (const auto& e :
       fs::directory_iterator(fs::path(COMICGAN_FIXTURES) / "fuzz-seeds" / "image")) {
    if (e.path().extension() == ".py") continue;
    Image image = io::read_image(e.path().string());
    EXPECT_EQ(image.width, 16) << e.path();
    EXPECT_EQ(image.height, 12) << e.path();
    ++seen;
  }
  EXPECT_EQ(seen, 10);
}
