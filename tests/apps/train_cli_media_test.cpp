// `comicgan train` end to end on tiny folders (seconds): a corrupt style file is reported and
// skipped, the run writes a model `comicgan stylize` uses, a resumed run (stopped at a smaller
// --steps, then extended) ends with the weights of an uninterrupted run, Ctrl-C saves and stops,
// flags are checked and each config flag's help says its kind and meaning.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/cli_child.h"
#include "io/image_io.h"
#include "io/model_file.h"
#include "test_paths.h"
#include "test_pictures.h"
#include "train/train_config.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

Image picture(int w, int h, int seed) { return comicgan_test::ramp_picture(w, h, seed); }

int run(const std::string& args, const fs::path& log) {
  std::string command = std::string(COMICGAN_CLI) + " " + args + " > " + log.string() + " 2>&1";
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

class TrainCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = comicgan_test::scratch_folder(
        std::string("train-cli-") +
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "photos" / "sub");
    fs::create_directories(dir_ / "style");
    for (int i = 0; i < 3; ++i) {
      io::write_image((dir_ / "photos" / "sub" / ("p" + std::to_string(i) + ".png")).string(),
                      picture(48, 40, i));
      io::write_image((dir_ / "style" / ("s" + std::to_string(i) + ".png")).string(),
                      picture(40, 48, i + 5));
    }
    std::ofstream(dir_ / "style" / "corrupt.png") << "\x89PNG\r\n\x1a\n truncated";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Tiny networks so a step takes milliseconds.
  std::string train_args(const std::string& run_dir, int steps) const {
    return "train --photos " + (dir_ / "photos").string() + " --style " +
           (dir_ / "style").string() + " -o " + run_dir + " --image-size 32 --short-side 32" +
           " --batch-size 2 --init-steps 2 --steps " + std::to_string(steps) +
           " --generator-options '{\"width\":0.125}'" +
           " --discriminator-options '{\"channels\":8,\"layers\":2}'" +
           " --deterministic true --sample-every 3 --log-every 1 --loader-threads 0 --threads 1" +
           " --name tiny";
  }
  fs::path dir_;
};

// A command line of plain words (single quotes only around words without spaces) as argv.
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string word; in >> word;) {
    if (word.size() >= 2 && word.front() == '\'' && word.back() == '\'')
      word = word.substr(1, word.size() - 2);
    out.push_back(word);
  }
  return out;
}

void expect_same_weights(const fs::path& a, const fs::path& b) {
  auto fa = io::read_model_file(a.string()), fb = io::read_model_file(b.string());
  ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
  for (size_t i = 0; i < fa.tensors.size(); ++i)
    EXPECT_TRUE(torch::equal(fa.tensors[i].second, fb.tensors[i].second)) << fa.tensors[i].first;
}

}  // namespace

TEST_F(TrainCli, TrainsSkipsCorruptFilesAndWritesAModelStylizeUses) {
  auto run_dir = dir_ / "run";
  ASSERT_EQ(run(train_args(run_dir.string(), 5), dir_ / "log.txt"), 0) << text_of(dir_ / "log.txt");
  auto log = text_of(dir_ / "log.txt");
  EXPECT_NE(log.find("corrupt.png"), std::string::npos) << log;
  EXPECT_NE(log.find("finished at step 5/5"), std::string::npos) << log;
  for (auto name : {"model.cgm", "discriminator.cgm", "metrics.jsonl", "config.json", "data.json",
                    "summary.json", "loss_curve.png", "samples/step-00000003.png"})
    EXPECT_TRUE(fs::exists(run_dir / name)) << name;
  auto model = io::read_model_file((run_dir / "model.cgm").string());
  EXPECT_EQ(model.meta.value("name", ""), "tiny");

  ASSERT_EQ(run("stylize " + (dir_ / "photos" / "sub" / "p0.png").string() + " -o " +
                    (dir_ / "out.png").string() + " --model " + (run_dir / "model.cgm").string(),
                dir_ / "stylize.txt"),
            0)
      << text_of(dir_ / "stylize.txt");
  auto out = io::read_image((dir_ / "out.png").string());
  EXPECT_EQ(out.width, 48);
  EXPECT_EQ(out.height, 40);
}

TEST_F(TrainCli, ResumeWithMoreStepsEqualsAnUninterruptedRun) {
  ASSERT_EQ(run(train_args((dir_ / "whole").string(), 6), dir_ / "a.txt"), 0)
      << text_of(dir_ / "a.txt");
  ASSERT_EQ(run(train_args((dir_ / "parts").string(), 4), dir_ / "b.txt"), 0)
      << text_of(dir_ / "b.txt");
  // Only RUN_DIR and the new step count: the folders and config come from the run itself.
  ASSERT_EQ(run("train -o " + (dir_ / "parts").string() + " --resume --steps 6 --threads 1",
                dir_ / "c.txt"),
            0)
      << text_of(dir_ / "c.txt");
  EXPECT_NE(text_of(dir_ / "c.txt").find("resumed from"), std::string::npos);
  expect_same_weights(dir_ / "whole" / "model.cgm", dir_ / "parts" / "model.cgm");
  expect_same_weights(dir_ / "whole" / "discriminator.cgm", dir_ / "parts" / "discriminator.cgm");
}

TEST_F(TrainCli, CtrlCSavesACheckpointAndStops) {
  // Far more steps than it will take: the first progress line says it is training, and from
  // then on the signal must end the run early, cleanly.
  auto run_dir = dir_ / "run";
  comicgan::testing::CliChild child(words(train_args(run_dir.string(), 1000000)));
  ASSERT_TRUE(child.started());
  ASSERT_TRUE(child.wait_for(" it/s ")) << child.output();
  ASSERT_EQ(::kill(child.pid(), SIGINT), 0);
  EXPECT_EQ(child.finish(), 0) << child.output();
  EXPECT_TRUE(child.contains("interrupted; saving a checkpoint")) << child.output();
  EXPECT_TRUE(child.contains("stopped at step ")) << child.output();
  EXPECT_TRUE(child.contains("--resume")) << child.output();
  EXPECT_TRUE(fs::exists(run_dir / "model.cgm"));
  ASSERT_TRUE(fs::is_directory(run_dir / "checkpoints"));
  EXPECT_FALSE(fs::is_empty(run_dir / "checkpoints"));
}

TEST_F(TrainCli, RefusesBadFlagsAndExistingRunsWithOneLine) {
  auto log = dir_ / "log.txt";
  EXPECT_NE(run(train_args((dir_ / "r").string(), 4) + " --g-lr abc", log), 0);
  EXPECT_NE(text_of(log).find("--g-lr"), std::string::npos) << text_of(log);
  auto odd_size = train_args((dir_ / "r").string(), 4);
  odd_size.replace(odd_size.find("--image-size 32"), 15, "--image-size 30");
  EXPECT_NE(run(odd_size, log), 0);
  EXPECT_NE(text_of(log).find("image_size"), std::string::npos) << text_of(log);
  EXPECT_NE(run("train -o " + (dir_ / "nothing").string() + " --resume", log), 0);
  EXPECT_NE(text_of(log).find("no run to resume"), std::string::npos) << text_of(log);
  ASSERT_EQ(run(train_args((dir_ / "r").string(), 3), log), 0) << text_of(log);
  EXPECT_NE(run(train_args((dir_ / "r").string(), 3), log), 0);
  EXPECT_NE(text_of(log).find("--resume"), std::string::npos) << text_of(log);
}

TEST(TrainCliHelp, EveryConfigFlagShowsItsKindAndMeaning) {
  const fs::path folder = comicgan_test::scratch_folder("train-help");
  auto log = folder / "help.txt";
  ASSERT_EQ(run("train --help", log), 0);
  const std::string help = text_of(log);
  fs::remove_all(folder);
  const auto fields = train::TrainConfig{}.to_json();
  for (auto& [field, value] : fields.items()) {
    std::string flag = "--" + field;
    std::replace(flag.begin(), flag.end(), '_', '-');
    size_t at = help.find("  " + flag + " ");
    ASSERT_NE(at, std::string::npos) << flag << " is not in\n" << help;
    // The flag's entry: up to the next option (the meaning may sit on the following line).
    std::string entry = help.substr(at + 2, help.find("\n  -", at) - at - 2);
    std::istringstream words(entry.substr(flag.size()));
    std::string kind;
    words >> kind;
    kind = kind.substr(0, kind.find('='));  // KIND=default
    EXPECT_TRUE(kind == "INT" || kind == "FLOAT" || kind == "BOOL" || kind == "TEXT" ||
                kind == "PATH" || kind == "JSON")
        << flag << ": " << entry;
    std::string meaning, word;
    while (words >> word) meaning += word + " ";
    EXPECT_GE(meaning.size(), 10u) << flag << " has no meaning: " << entry;
    EXPECT_EQ(meaning.rfind("default ", 0), std::string::npos) << flag << ": " << entry;
  }
}
