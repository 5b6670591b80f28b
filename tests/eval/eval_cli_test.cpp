// `comicgan eval` end to end: tiny random models, synthetic pictures, every metric whose
// weights are at hand, and the report files.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "eval/eval_fixtures.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
using namespace comicgan::eval_test;

TEST(EvalCli, ComparesTwoModelsAndWritesTheReport) {
  auto dir = temp_folder("cli");
  std::string m1 = write_tiny_model(dir, "tiny_a", 1), m2 = write_tiny_model(dir, "tiny_b", 2);
  std::string photos = write_pictures(dir / "photos", 4, 80, 64, false);
  std::string style = write_pictures(dir / "style", 5, 64, 64, true);
  auto report = dir / "report";
  auto r = run_command(std::string(COMICGAN_CLI) + " eval --model " + m1 + " --compare " + m2 +
                       " --photos " + photos + " --style " + style + " -o " + report.string() +
                       " --size 64 --no-vgg --kid-subsets 5 --threads 1 --inception " +
                       COMICGAN_FIXTURES + "/eval/inception_small.pt");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("tiny_a"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("* best of the models compared"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("index.html"), std::string::npos);

  std::ifstream in(report / "metrics.json");
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 2u);
  for (const char* key : {"images_per_s", "ssim", "edge_f1", "swd", "fid", "kid"}) {
    ASSERT_TRUE(j["models"][0]["metrics"].contains(key)) << key;
    EXPECT_TRUE(j["models"][1]["metrics"].contains(key)) << key;
  }
  EXPECT_NE(j["models"][0]["metrics"]["fid"]["network"].get<std::string>().find(
                "Inception-v3 pool3, 128-d"),
            std::string::npos);
  EXPECT_GT(j["models"][0]["metrics"]["images_per_s"]["value"].get<double>(), 0);
  double ssim = j["models"][0]["metrics"]["ssim"]["value"];
  EXPECT_GT(ssim, -1);
  EXPECT_LT(ssim, 1);
  EXPECT_EQ(j["models"][0]["swd_per_level"].size(), 3u);  // 64, 32, 16
  EXPECT_TRUE(j["best"]["swd"].is_string());

  Image grid = io::read_image((report / "grid.png").string());
  // photo | two models | two nearest style pictures, four rows.
  EXPECT_EQ(grid.width, 5 * (160 + 4));
  EXPECT_EQ(grid.height, 28 + 4 * (160 + 4));
  std::ifstream html_in(report / "index.html");
  std::string html((std::istreambuf_iterator<char>(html_in)), {});
  EXPECT_NE(html.find("data:image/jpeg;base64,"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos) << "the report must not reach outside";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const auto& e : fs::directory_iterator(report))  // atomic writes leave no temporaries
    EXPECT_TRUE(e.path().filename() == "index.html" || e.path().filename() == "grid.png" ||
                e.path().filename() == "metrics.json")
        << e.path();
  fs::remove_all(dir);
}

TEST(EvalCli, WithoutStyleOnlyContentAndSpeed) {
  auto dir = temp_folder("cli_nostyle");
  std::string m1 = write_tiny_model(dir, "tiny", 3);
  std::string photos = write_pictures(dir / "photos", 2, 48, 48, false);
  auto r = run_command(std::string(COMICGAN_CLI) + " eval -m " + m1 + " --photos " + photos +
                       " -o " + (dir / "r").string() + " --size 32 --no-vgg --threads 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("no --style folder"), std::string::npos) << r.output;
  std::ifstream in(dir / "r" / "metrics.json");
  auto j = nlohmann::json::parse(in);
  EXPECT_FALSE(j["models"][0]["metrics"].contains("swd"));
  EXPECT_TRUE(j["models"][0]["metrics"].contains("ssim"));
  fs::remove_all(dir);
}

TEST(EvalCli, TheClassicalRendererIsABaselineRow) {
  auto dir = temp_folder("cli_synth");
  std::string m1 = write_tiny_model(dir, "tiny", 4);
  std::string photos = write_pictures(dir / "photos", 2, 64, 48, false);
  auto r = run_command(std::string(COMICGAN_CLI) + " eval -m " + m1 +
                       " --compare synth:comic --photos " + photos + " -o " + (dir / "r").string() +
                       " --size 32 --no-vgg --threads 1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(dir / "r" / "metrics.json");
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_EQ(j["models"][1]["name"], "synth:comic");
  double f1 = j["models"][1]["metrics"]["edge_f1"]["value"];
  EXPECT_GT(f1, 0);  // ink lines follow the photo's edges
  EXPECT_LE(f1, 1);
  r = run_command(std::string(COMICGAN_CLI) + " eval -m synth:sketch --photos " + photos + " -o " +
                  (dir / "r2").string() + " --size 32 --no-vgg --threads 1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("sketch"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

// Two model files that carry one name (every trained model is called what its run called it)
// are told apart by the path they were given as, in metrics.json and in the printed table.
TEST(EvalCli, ModelsOfOneNameAreToldApartByTheirFiles) {
  auto dir = temp_folder("cli_same_name");
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::string m1 = write_tiny_model(dir / "a", "comic", 5),
              m2 = write_tiny_model(dir / "b", "comic", 6);
  std::string photos = write_pictures(dir / "photos", 2, 64, 48, false);
  auto r =
      run_command(std::string(COMICGAN_CLI) + " eval -m " + m1 + " --compare " + m2 + " --photos " +
                  photos + " -o " + (dir / "r").string() + " --size 32 --no-vgg --threads 1");
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(dir / "r" / "metrics.json");
  auto j = nlohmann::json::parse(in);
  ASSERT_EQ(j["models"].size(), 2u);
  EXPECT_EQ(j["models"][0]["name"], "comic (" + m1 + ")");
  EXPECT_EQ(j["models"][1]["name"], "comic (" + m2 + ")");
  EXPECT_NE(r.output.find("column 2: comic (" + m2 + ")"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

TEST(EvalCli, MissingArgumentsAndBadFoldersAreOneLineErrors) {
  auto r = run_command(std::string(COMICGAN_CLI) + " eval --photos /nonexistent");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("eval needs --model, --photos and -o"), std::string::npos) << r.output;
  r = run_command(std::string(COMICGAN_CLI) + " eval -m x.cgm --photos /nonexistent -o /tmp/x");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("/nonexistent: not a folder of pictures"), std::string::npos) << r.output;
}
