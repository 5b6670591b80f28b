// `comicgan stylize --quality` reaches the encoder for every lossy format it names (JPEG and
// WebP): a lower quality gives a smaller file, and both files decode to the picture's size.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "infer/benchmark.h"
#include "io/image_io.h"
#include "io/model_file.h"
#include "models/model_store.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

class StylizeQuality : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = comicgan_test::scratch_folder("quality");
    model_ = (dir_ / "small.cgm").string();
    io::write_model_file(model_, models::import_animegan2(
                                     std::string(COMICGAN_FIXTURES) + "/animegan2/small.pt", {}));
    photo_ = (dir_ / "photo.png").string();
    io::write_image(photo_, infer::synthetic_photo(96, 64, 3));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  // The size of the file `stylize --quality Q` writes to out.EXT.
  static uintmax_t stylized_bytes(const std::string& ext, int quality) {
    std::string out = (dir_ / ("q" + std::to_string(quality) + "." + ext)).string();
    std::string command = std::string(COMICGAN_CLI) + " stylize " + photo_ + " -o " + out +
                          " --model " + model_ + " --threads 1 --quality " +
                          std::to_string(quality) + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    Image decoded = io::read_image(out);
    EXPECT_EQ(decoded.width, 96);
    EXPECT_EQ(decoded.height, 64);
    return fs::file_size(out);
  }

  static inline fs::path dir_;
  static inline std::string model_, photo_;
};

}  // namespace

TEST_F(StylizeQuality, WebpQualityChangesTheFile) {
  EXPECT_LT(stylized_bytes("webp", 10), stylized_bytes("webp", 95));
}

TEST_F(StylizeQuality, JpegQualityChangesTheFile) {
  EXPECT_LT(stylized_bytes("jpg", 10), stylized_bytes("jpg", 95));
}
