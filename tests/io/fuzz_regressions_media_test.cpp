// Image inputs that once misbehaved under libFuzzer (scripts/fuzz image_fuzz), replayed on every
// run: each must be decoded or refused with comicgan::Error.
#include <gtest/gtest.h>

#include <filesystem>

#include "comicgan/error.h"
#include "io/atomic_file.h"
#include "io/image_io.h"

using namespace comicgan;

TEST(FuzzRegressions, ImageDecoder) {
  namespace fs = std::filesystem;
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
