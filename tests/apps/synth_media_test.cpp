// `comicgan synth` end to end: folders mirrored under the same names, bad files reported and
// skipped with a non-zero exit, single files, and output identical to the library's.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "data/comic_render_media.h"
#include "data/edge_preserving_media.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

Image gradient(int w, int h) {
  Image img(w, h, 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.row(y) + x * 3;
      p[0] = uint8_t(x * 255 / w);
      p[1] = uint8_t(y * 255 / h);
      p[2] = (x / 16 + y / 16) % 2 ? 200 : 40;
    }
  return img;
}

int run_cli(const std::string& args, const fs::path& log) {
  std::string command =
      std::string(COMICGAN_CLI) + " synth " + args + " --threads 1 > " + log.string() + " 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class SynthCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = comicgan_test::scratch_folder(
        std::string("synth-cli-") +
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "in" / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

}  // namespace

TEST_F(SynthCli, FolderKeepsNamesSkipsBadFilesAndFails) {
  io::write_image((dir_ / "in" / "a.png").string(), gradient(96, 64));
  io::write_image((dir_ / "in" / "sub" / "b.jpg").string(), gradient(50, 70));
  std::ofstream(dir_ / "in" / "broken.png") << "not a picture";
  int code = run_cli((dir_ / "in").string() + " -o " + (dir_ / "out").string() + " --look manga",
                     dir_ / "log.txt");
  EXPECT_EQ(code, 1);
  Image a = io::read_image((dir_ / "out" / "a.png").string());
  EXPECT_EQ(a.width, 96);
  EXPECT_EQ(a.height, 64);
  Image b = io::read_image((dir_ / "out" / "sub" / "b.jpg").string());
  EXPECT_EQ(b.width, 50);
  EXPECT_EQ(b.height, 70);
  EXPECT_FALSE(fs::exists(dir_ / "out" / "broken.png"));
  std::ifstream log(dir_ / "log.txt");
  std::string text((std::istreambuf_iterator<char>(log)), {});
  EXPECT_NE(text.find("broken.png"), std::string::npos) << text;
  EXPECT_NE(text.find("synthesized 2 file(s), 1 failed"), std::string::npos) << text;
}

TEST_F(SynthCli, SymlinkedFilesKeepTheirNameInsideTheOutputFolder) {
  fs::create_directories(dir_ / "elsewhere");
  io::write_image((dir_ / "elsewhere" / "real.png").string(), gradient(40, 32));
  fs::create_symlink(dir_ / "elsewhere" / "real.png", dir_ / "in" / "sub" / "link.png");
  ASSERT_EQ(run_cli((dir_ / "in").string() + " -o " + (dir_ / "out").string() + " --look none",
                    dir_ / "log.txt"),
            0);
  EXPECT_TRUE(fs::exists(dir_ / "out" / "sub" / "link.png"));
  EXPECT_FALSE(fs::exists(dir_ / "out" / "real.png"));
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere" / "real.png.tmp"));
}

TEST_F(SynthCli, SingleFileMatchesTheLibrary) {
  Image photo = gradient(120, 80);
  io::write_image((dir_ / "in" / "p.png").string(), photo);
  ASSERT_EQ(run_cli((dir_ / "in" / "p.png").string() + " -o " + (dir_ / "p-cel.png").string() +
                        " --look cel --seed 3",
                    dir_ / "log.txt"),
            0);
  data::ComicLook look = data::comic_look("cel");
  look.seed = 3;
  Image expected = data::render_comic(photo, look);
  Image written = io::read_image((dir_ / "p-cel.png").string());
  EXPECT_EQ(written.pixels, expected.pixels);
}

TEST_F(SynthCli, ShortSideShrinksAndUnknownLooksAreRefused) {
  io::write_image((dir_ / "in" / "big.png").string(), gradient(200, 100));
  ASSERT_EQ(run_cli("--photos " + (dir_ / "in" / "big.png").string() + " -o " +
                        (dir_ / "small.jpg").string() + " --look none --short-side 50",
                    dir_ / "log.txt"),
            0);
  Image small = io::read_image((dir_ / "small.jpg").string());
  EXPECT_EQ(small.width, 100);
  EXPECT_EQ(small.height, 50);
  EXPECT_NE(run_cli((dir_ / "in" / "big.png").string() + " -o " + (dir_ / "x.png").string() +
                        " --look watercolour",
                    dir_ / "log.txt"),
            0);
  EXPECT_FALSE(fs::exists(dir_ / "x.png"));
}

TEST_F(SynthCli, CropCutsARectangleAndMeanShiftIsTheLibraryFilter) {
  Image big = gradient(120, 90);
  io::write_image((dir_ / "in" / "big.png").string(), big);
  ASSERT_EQ(run_cli((dir_ / "in" / "big.png").string() + " -o " + (dir_ / "crop.png").string() +
                        " --look none --crop 40x30+70+50",
                    dir_ / "log.txt"),
            0);
  Image crop = io::read_image((dir_ / "crop.png").string());
  ASSERT_EQ(crop.width, 40);
  ASSERT_EQ(crop.height, 30);
  EXPECT_TRUE(std::equal(crop.row(0), crop.row(0) + 40 * 3, big.row(50) + 70 * 3));  // top-left
  EXPECT_TRUE(std::equal(crop.row(29), crop.row(29) + 40 * 3, big.row(79) + 70 * 3));
  for (const char* bad : {"40x30+100+70", "40x30", "axb+1+1"}) {
    EXPECT_NE(run_cli((dir_ / "in" / "big.png").string() + " -o " + (dir_ / "bad.png").string() +
                          " --look none --crop " + bad,
                      dir_ / "log.txt"),
              0)
        << bad;
    EXPECT_FALSE(fs::exists(dir_ / "bad.png")) << bad;
  }
  ASSERT_EQ(run_cli((dir_ / "in" / "big.png").string() + " -o " + (dir_ / "ms.png").string() +
                        " --look meanshift",
                    dir_ / "log.txt"),
            0);
  Image filtered = io::read_image((dir_ / "ms.png").string());
  Image expected = data::mean_shift_filter(big);
  EXPECT_EQ(filtered.pixels, expected.pixels);
}
