// Folders go through the reader -> stylize -> writer pipeline with equal-size pictures batched:
// every output must be what stylizing that one picture alone gives, in both engines, and a bad
// file in the middle must be reported without disturbing its neighbours.
#include "infer/stylize_files.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "infer/benchmark.h"
#include "io/image_io.h"
#include "models/animegan2.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<models::Generator> small_generator() {
  torch::manual_seed(8);
  return models::make_generator("animegan2", {{"width", 0.125}, {"align_corners", true}});
}

int max_difference(const Image& a, const Image& b) {
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i)
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

}  // namespace

TEST(StylizeFolder, BatchedPipelineEqualsOnePictureAtATime) {
  fs::path dir = comicgan_test::scratch_folder("folder");
  fs::create_directories(dir / "in" / "sub");
  // Runs of equal sizes (batched) broken by other sizes, a grey picture and a broken file.
  std::vector<std::pair<std::string, Image>> pictures;
  const int sizes[][2] = {{64, 48}, {64, 48}, {64, 48}, {40, 40}, {64, 48}, {64, 48}, {33, 21}};
  for (int i = 0; i < 7; ++i) {
    std::string name = (i == 5 ? "sub/" : "") + std::string("p") + std::to_string(i) + ".png";
    pictures.emplace_back(name, infer::synthetic_photo(sizes[i][0], sizes[i][1], uint32_t(i)));
    io::write_image((dir / "in" / name).string(), pictures.back().second);
  }
  std::ofstream((dir / "in" / "p3b_broken.png").string()) << "not a png";

  for (const std::string engine : {"fast", "reference"}) {
    infer::Stylizer stylizer(small_generator(), {"cpu", "fp32", engine});
    infer::StylizeFilesJob job;
    job.inputs = {(dir / "in").string()};
    job.output = (dir / ("out_" + engine)).string();
    std::vector<std::string> logged;
    std::vector<infer::StylizeFilesProgress> progress;
    auto report = infer::stylize_files(
        job, stylizer, [&](const std::string& line) { logged.push_back(line); },
        [&](const infer::StylizeFilesProgress& p) { progress.push_back(p); });
    EXPECT_EQ(report.written, pictures.size());
    ASSERT_EQ(report.failed, 1u);
    EXPECT_NE(report.errors[0].find("p3b_broken.png"), std::string::npos) << report.errors[0];
    ASSERT_EQ(logged.size(), pictures.size() + 1);
    EXPECT_NE(logged[4].find("failed"), std::string::npos) << "outputs are reported in input order";
    // Progress: once before the first file, then after each, done counting up to the total.
    const size_t files = pictures.size() + 1;
    ASSERT_EQ(progress.size(), files + 1);
    for (size_t i = 0; i < progress.size(); ++i) {
      EXPECT_EQ(progress[i].done, i);
      EXPECT_EQ(progress[i].total, files);
      if (i > 0) EXPECT_GE(progress[i].seconds, progress[i - 1].seconds);
    }
    for (const auto& [name, picture] : pictures) {
      Image alone = stylizer.stylize(picture);
      Image written = io::read_image((dir / ("out_" + engine) / name).string());
      ASSERT_EQ(written.width, alone.width) << name;
      // The fast engine runs batch members one by one: identical. The module runs them as one
      // tensor, where oneDNN may sum in another order: at most one 8-bit level apart.
      EXPECT_LE(max_difference(written, alone), engine == "fast" ? 0 : 1) << engine << " " << name;
    }
  }
  fs::remove_all(dir);
}
