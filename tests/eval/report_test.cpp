// The report's pieces: the discriminator verdict's summaries, best-per-row marking, base64, and
// the HTML page in a real (headless) browser.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "comicgan/error.h"
#include "eval/eval_fixtures.h"
#include "eval/report.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
using namespace comicgan::eval_test;

namespace {

Image solid(int side, uint8_t r, uint8_t g, uint8_t b) {
  Image img(side, side, 3);
  for (size_t i = 0; i < img.pixels.size(); i += 3)
    img.pixels[i] = r, img.pixels[i + 1] = g, img.pixels[i + 2] = b;
  return img;
}

// An evaluation of two models as `evaluate` would fill it, without running any network.
eval::Evaluation sample_evaluation() {
  eval::Evaluation ev;
  ev.options.photos = "photos <&> \"dir\"";
  ev.options.side = 32;
  for (int i = 0; i < 3; ++i) {
    ev.photos.images.push_back(solid(32, uint8_t(60 * i), 100, 200));
    ev.photos.names.push_back("p" + std::to_string(i) + ".png");
    ev.style.images.push_back(solid(32, 250, uint8_t(80 * i), 10));
  }
  for (int m = 0; m < 2; ++m) {
    eval::ModelResult r;
    r.name = m == 0 ? "model <a>" : "model b";
    r.source = r.name + ".cgm";
    r.metrics = {{"swd", "Style: SWD", m == 0 ? 3.0 : 2.0, eval::Better::lower, "patches", ""},
                 {"ssim", "Content: SSIM", m == 0 ? 0.8 : 0.7, eval::Better::higher, "pixels", ""},
                 {"same", "Tie", 1.0, eval::Better::lower, "", ""}};
    for (const auto& p : ev.photos.images) r.outputs.push_back(solid(32, p.pixels[0], 20, 20));
    r.swd_resolutions = {32, 16};
    r.swd_per_level = {1.5, 2.5};
    ev.models.push_back(r);
  }
  ev.verdict = eval::summarize_verdict("run/discriminator.cgm",
                                       {{"generated: model <a>", {0.1, 0.4, 0.3}},
                                        {"generated: model b", {0.2, 0.0, -0.1}},
                                        {"style", {1.0, 1.2, 0.9}},
                                        {"photos", {-1.0, -0.5, -0.2}}},
                                       4);
  for (size_t i = 0; i < ev.photos.images.size(); ++i) ev.nearest_style.push_back({int(i), 0});
  ev.notes.push_back("a note");
  return ev;
}

}  // namespace

TEST(EvalReport, VerdictHistogramsShareBinsAndCountEveryPicture) {
  auto v = eval::summarize_verdict("d", {{"a", {0.0, 1.0, 2.0, 4.0}}, {"b", {-4.0}}}, 4);
  ASSERT_EQ(v.bin_edges, (std::vector<double>{-4, -2, 0, 2, 4}));
  EXPECT_EQ(v.sets[0].histogram, (std::vector<int64_t>{0, 0, 2, 2}));  // 4 lands in the last bin
  EXPECT_EQ(v.sets[1].histogram, (std::vector<int64_t>{1, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(v.sets[0].mean, 1.75);
  EXPECT_NEAR(v.sets[0].stddev,
              std::sqrt((1.75 * 1.75 + 0.75 * 0.75 + 0.25 * 0.25 + 2.25 * 2.25) / 4), 1e-12);
  EXPECT_NEAR(v.sets[1].mean_probability, 1 / (1 + std::exp(4.0)), 1e-12);
}

TEST(EvalReport, BestPerRowFollowsEachMetricsDirection) {
  auto best = eval::best_per_row(sample_evaluation());
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0], (std::pair<std::string, int>{"swd", 1}));   // lower wins
  EXPECT_EQ(best[1], (std::pair<std::string, int>{"ssim", 0}));  // higher wins
  EXPECT_EQ(best[2].second, -1);                                 // a tie marks nothing
  auto j = eval::metrics_json(sample_evaluation());
  EXPECT_EQ(j["best"]["swd"], "model b");
  EXPECT_TRUE(j["best"]["same"].is_null());
}

TEST(EvalReport, VerdictGridShowsEachSetFromHighestToLowestScore) {
  auto ev = sample_evaluation();
  const int cell = 24, gap = 4, row_height = 22 + cell + 18 + gap;
  Image grid = eval::verdict_grid(ev, cell, 8);
  ASSERT_EQ(grid.height, 4 * row_height);
  ASSERT_EQ(grid.width, 8 * (cell + gap));
  // The centre pixel's channel c of the picture at (row, column) of a verdict grid.
  auto at = [&](const Image& g, int row, int column, int c) {
    int x = column * (cell + gap) + cell / 2, y = row * row_height + 22 + cell / 2;
    return int(g.row(y)[3 * x + c]);
  };
  auto centre_red = [&](int row, int column) { return at(grid, row, column, 0); };
  auto centre_green = [&](int row, int column) { return at(grid, row, column, 1); };
  // Style pictures are solid (250, 80 i, 10): sorted by score 1.2, 1.0, 0.9 -> i = 1, 0, 2.
  EXPECT_EQ(centre_green(2, 0), 80);
  EXPECT_EQ(centre_green(2, 1), 0);
  EXPECT_EQ(centre_green(2, 2), 160);
  // Photos (60 i, 100, 200) scored -1.0, -0.5, -0.2: i = 2, 1, 0.
  EXPECT_EQ(centre_red(3, 0), 120);
  EXPECT_EQ(centre_red(3, 2), 0);
  // Model b's outputs (60 i, 20, 20) scored 0.2, 0.0, -0.1: i = 0, 1, 2.
  EXPECT_EQ(centre_red(1, 0), 0);
  EXPECT_EQ(centre_red(1, 2), 120);
  EXPECT_EQ(centre_red(1, 3), 255);  // only three pictures: the rest of the row stays blank

  // More pictures than a row holds: evenly spaced ranks, the best and the worst included.
  Image two = eval::verdict_grid(ev, cell, 2);
  ASSERT_EQ(two.width, 2 * (cell + gap));
  EXPECT_EQ(at(two, 2, 0, 1), 80);
  EXPECT_EQ(at(two, 2, 1, 1), 160);

  ev.photos.images.resize(2);
  EXPECT_THROW(eval::verdict_grid(ev, cell, 8), Error);  // 3 photo scores for 2 photos
}

TEST(EvalReport, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(eval::base64(""), "");
  EXPECT_EQ(eval::base64("f"), "Zg==");
  EXPECT_EQ(eval::base64("fo"), "Zm8=");
  EXPECT_EQ(eval::base64("foo"), "Zm9v");
  EXPECT_EQ(eval::base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(eval::base64(std::string("\xff\x00\x80", 3)), "/wCA");
}

TEST(EvalReport, HtmlOpensInHeadlessChromiumWithoutErrors) {
  const fs::path browser_dir = fs::path(comicgan_test::source_dir()) / "tests" / "eval" / "browser";
  if (!fs::exists("/usr/bin/chromium"))
    GTEST_SKIP() << "no /usr/bin/chromium (scripts/setup installs it)";
  if (run_command("node --version").status != 0) GTEST_SKIP() << "no node on PATH";
  if (!fs::exists(browser_dir / "node_modules" / "playwright-core"))
    GTEST_SKIP() << "playwright-core is not installed in " << browser_dir
                 << " (scripts/setup installs it)";
  auto dir = temp_folder("browser");
  auto ev = sample_evaluation();
  eval::write_report(ev, dir.string());
  auto r = run_command("cd " + browser_dir.string() + " && timeout 60 node check_page.js " +
                       (dir / "index.html").string() + " " + (dir / "page.png").string());
  if (r.status == 77) GTEST_SKIP() << r.output;
  ASSERT_EQ(r.status, 0) << r.output;
  auto facts = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  EXPECT_TRUE(facts["ok"].get<bool>()) << r.output;
  EXPECT_EQ(facts["title"], "comicgan evaluation");
  ASSERT_EQ(facts["images"].size(), 2u);
  EXPECT_EQ(facts["images"][0]["w"], 5 * (160 + 4));  // photo | 2 models | 2 nearest style
  EXPECT_EQ(facts["images"][1]["w"], 8 * (96 + 4));   // the verdict's pictures by score
  EXPECT_EQ(facts["best"], 2);                        // swd and ssim rows
  EXPECT_EQ(facts["svgs"], 1);                        // the verdict's histogram
  // The screenshot a person would see: the whole page, with the pictures in it.
  Image shot = io::read_image((dir / "page.png").string());
  EXPECT_GE(shot.height, 2 * 164 + 4 * (22 + 96 + 18 + 4)) << "both pictures are on the page";
  int64_t coloured = 0;
  for (size_t i = 0; i + 2 < shot.pixels.size(); i += size_t(shot.channels))
    coloured += std::abs(int(shot.pixels[i]) - int(shot.pixels[i + 2])) > 100;
  EXPECT_GT(coloured, 3 * 160 * 160) << "the rendered page shows the (strongly coloured) pictures";
  fs::remove_all(dir);
}
