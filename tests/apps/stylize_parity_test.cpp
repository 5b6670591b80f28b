// End to end through the CLI: `comicgan import animegan2` of a checkpoint saved by Python, then
// `comicgan stylize` of a PNG, must give the AnimeGANv2 port's pixels (RGB, x/127.5 - 1,
// forward, (y + 1) * 127.5, clip, round): identical, or off by one where float rounding of the
// two implementations lands on either side of a .5.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
  return std::string(COMICGAN_FIXTURES) + "/animegan2/" + name;
}

int run(const std::string& args) {
  std::string command = std::string(COMICGAN_CLI) + " " + args + " >/dev/null 2>&1";
  return std::system(command.c_str());
}

class StylizeParity : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = comicgan_test::scratch_folder("e2e"); }
  void TearDown() override { fs::remove_all(dir_); }

  void expect_port_pixels(const std::string& align, const std::string& photo,
                          const std::string& expected) {
    std::string model = (dir_ / "small.cgm").string(), out = (dir_ / "out.png").string();
    ASSERT_EQ(run("import animegan2 " + fixture("small.pt") + " -o " + model + " --align-corners " +
                  align),
              0);
    ASSERT_EQ(run("stylize " + fixture(photo) + " -o " + out + " --model " + model), 0);
    Image got = io::read_image(out), want = io::read_image(fixture(expected));
    ASSERT_EQ(got.width, want.width);
    ASSERT_EQ(got.height, want.height);
    ASSERT_EQ(got.channels, want.channels);
    size_t off_by_one = 0;
    for (size_t i = 0; i < got.pixels.size(); ++i) {
      int d = std::abs(int(got.pixels[i]) - int(want.pixels[i]));
      ASSERT_LE(d, 1) << "sample " << i;
      off_by_one += d;
    }
    EXPECT_LE(off_by_one, got.pixels.size() / 100) << "more than 1% of samples off by one";
  }

  fs::path dir_;
};

}  // namespace

TEST_F(StylizeParity, AlignCornersModeOnAnOddSizedPng) {
  expect_port_pixels("true", "photo_37x50.png", "small_align_37x50.png");
}

TEST_F(StylizeParity, ScaleFactorModeOnAMultipleOfFour) {
  expect_port_pixels("false", "photo_48x64.png", "small_scale_48x64.png");
}
