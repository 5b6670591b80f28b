// train::prepare_run on prepared-data folders (no OpenCV): a fresh run writes data.json, a resume
// needs only the run folder and layers only the fields given over the run's saved config, a
// resume of nothing and a fresh run over a run are refused before any work, epochs turn into
// steps from the number of prepared photos.
#include "train/run_folder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "data/batch_source.h"
#include "data/prepared_fixture.h"
#include "error_message.h"
#include "io/atomic_file.h"
#include "test_paths.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

class RunFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = comicgan_test::scratch_folder(
        std::string("run-folder-") +
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    test::write_coded_prepared_dir(prepared(), 10, 4, 40, 40);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string prepared() const { return (dir_ / "prepared").string(); }
  std::string run_dir() const { return (dir_ / "run").string(); }

  train::RunRequest fresh_request() const {
    train::RunRequest r;
    r.run_dir = run_dir();
    r.data.prepared = prepared();
    r.data.val = "/photos/to/show";
    r.loader_threads = 0;
    r.overrides = {{"image_size", 32}, {"batch_size", 2}, {"g_lr", 1e-4}, {"steps", 7}};
    return r;
  }

  // What the trainer leaves behind: the run's config (and a checkpoint when `checkpoint`).
  void pretend_trained(const train::TrainConfig& config, bool checkpoint) const {
    io::write_file_atomically(run_dir() + "/config.json", config.to_json().dump(2));
    if (checkpoint) {
      fs::create_directories(run_dir() + "/checkpoints");
      std::ofstream(run_dir() + "/checkpoints/step-00000007.pt") << "x";
    }
  }

  fs::path dir_;
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_F(RunFolder, FreshRunLayersOverridesOverDefaultsAndWritesDataJson) {
  auto run = train::prepare_run(fresh_request());
  EXPECT_EQ(run.config.image_size, 32);
  EXPECT_EQ(run.config.g_lr, 1e-4);
  EXPECT_EQ(run.config.steps, 7);
  EXPECT_EQ(run.config.d_lr, train::TrainConfig{}.d_lr);
  EXPECT_EQ(run.prepared_dir, prepared());
  EXPECT_FALSE(run.prepared.has_value()) << "a prepared folder alone is not prepared again";
  ASSERT_TRUE(run.source);
  EXPECT_EQ(run.source->batch(0).photo.size(0), 2);
  EXPECT_EQ(run.source->batch(0).photo.size(2), 32);

  auto saved = read_json(run_dir() + "/data.json");
  EXPECT_EQ(saved.value("prepared", ""), prepared());
  EXPECT_EQ(saved.value("val", ""), "/photos/to/show");
  EXPECT_EQ(train::RunData::from_json(saved).to_json(), run.data.to_json());
}

TEST_F(RunFolder, ConfigFileSitsBetweenDefaultsAndOverrides) {
  auto request = fresh_request();
  request.config_file = (dir_ / "config.json").string();
  io::write_file_atomically(request.config_file, R"({"g_lr": 3e-5, "d_lr": 5e-5})");
  auto run = train::prepare_run(request);
  EXPECT_EQ(run.config.g_lr, 1e-4) << "the override wins over the file";
  EXPECT_EQ(run.config.d_lr, 5e-5) << "the file wins over the default";
}

TEST_F(RunFolder, ResumeLayersOnlyTheGivenFieldsOverTheSavedConfig) {
  auto trained = train::prepare_run(fresh_request()).config;
  trained.name = "saved-name";
  trained.d_lr = 7e-5;
  pretend_trained(trained, true);

  train::RunRequest resume;
  resume.run_dir = run_dir();
  resume.resume = true;
  resume.loader_threads = 0;
  resume.overrides = {{"steps", 20}};
  auto run = train::prepare_run(resume);
  EXPECT_EQ(run.config.steps, 20);
  EXPECT_EQ(run.config.name, "saved-name");
  EXPECT_EQ(run.config.d_lr, 7e-5);
  EXPECT_EQ(run.config.g_lr, 1e-4);
  EXPECT_EQ(run.config.image_size, 32);
  // The data come from data.json: only the run folder was given.
  EXPECT_EQ(run.prepared_dir, prepared());
  EXPECT_EQ(run.data.val, "/photos/to/show");
  auto resumed_config = nlohmann::json(trained.to_json());
  resumed_config["steps"] = 20;
  EXPECT_EQ(run.config.to_json(), resumed_config) << "nothing else changed";
}

TEST_F(RunFolder, ResumeOfAFolderWithoutARunIsRefused) {
  auto request = fresh_request();
  request.resume = true;
  auto message = test::error_of([&] { train::prepare_run(request); });
  EXPECT_NE(message.find("no run to resume"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(run_dir() + "/data.json"));
}

TEST_F(RunFolder, FreshRunOverARunIsRefusedAndLeavesItAlone) {
  train::prepare_run(fresh_request());
  pretend_trained(train::TrainConfig{}, true);
  auto before = read_json(run_dir() + "/data.json");
  auto request = fresh_request();
  request.data.val = "/other/photos";
  auto message = test::error_of([&] { train::prepare_run(request); });
  EXPECT_NE(message.find("already holds checkpoints"), std::string::npos) << message;
  EXPECT_TRUE(train::holds_run(run_dir()));
  EXPECT_EQ(read_json(run_dir() + "/data.json"), before);
}

TEST_F(RunFolder, BadConfigIsRefusedBeforeTheFolderIsMade) {
  auto request = fresh_request();
  request.overrides["image_size"] = 30;
  auto message = test::error_of([&] { train::prepare_run(request); });
  EXPECT_NE(message.find("image_size"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(run_dir()));
}

TEST_F(RunFolder, EpochsBecomeStepsFromThePreparedPhotos) {
  auto request = fresh_request();
  request.epochs = 3;
  request.overrides["init_steps"] = 5;
  request.overrides["batch_size"] = 4;
  auto run = train::prepare_run(request);
  // 10 photos, 3 passes, 4 a batch: ceil(30 / 4) = 8 steps after the 5 init steps.
  EXPECT_EQ(run.config.steps, 5 + 8);
}

TEST_F(RunFolder, DataJsonWithWrongTypesIsReported) {
  fs::create_directories(run_dir());
  pretend_trained(train::TrainConfig{}, false);
  io::write_file_atomically(run_dir() + "/data.json", R"({"short_side": "big"})");
  train::RunRequest resume;
  resume.run_dir = run_dir();
  resume.resume = true;
  auto message = test::error_of([&] { train::prepare_run(resume); });
  EXPECT_NE(message.find("data.json"), std::string::npos) << message;
}
