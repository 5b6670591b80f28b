// train::prepare_run on picture folders: they are prepared into RUN_DIR/prepared with the photo
// target asked for, and a resume that names only the run folder prepares (reuses) the same data,
// pseudo-targets included.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "data/batch_source.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "test_paths.h"
#include "test_pictures.h"
#include "train/run_folder.h"

using namespace comicgan;
namespace fs = std::filesystem;

namespace {

Image picture(int w, int h, int seed) { return comicgan_test::ramp_picture(w, h, seed); }

}  // namespace

TEST(RunFolderPictures, RememberedPhotoTargetIsReusedOnResume) {
  fs::path dir = comicgan_test::scratch_folder("run-folder-pictures");
  fs::create_directories(dir / "photos");
  fs::create_directories(dir / "style");
  for (int i = 0; i < 3; ++i) {
    io::write_image((dir / "photos" / ("p" + std::to_string(i) + ".png")).string(),
                    picture(48, 40, i));
    io::write_image((dir / "style" / ("s" + std::to_string(i) + ".png")).string(),
                    picture(40, 48, i + 5));
  }
  const std::string run_dir = (dir / "run").string();
  train::RunRequest fresh;
  fresh.run_dir = run_dir;
  fresh.data.photos = (dir / "photos").string();
  fresh.data.style = (dir / "style").string();
  fresh.data.photo_target = "meanshift";
  fresh.loader_threads = 0;
  fresh.overrides = {{"image_size", 32}, {"batch_size", 2}};
  {
    auto run = train::prepare_run(fresh);
    ASSERT_TRUE(run.prepared.has_value());
    EXPECT_EQ(run.prepared->photos.read, 3u);
    EXPECT_EQ(run.prepared_dir, (fs::path(run_dir) / "prepared").string());
    EXPECT_TRUE(run.source->batch(0).photo_target.defined());
  }
  std::ifstream in(run_dir + "/data.json");
  EXPECT_EQ(nlohmann::json::parse(in).value("photo_target", ""), "meanshift");

  io::write_file_atomically(run_dir + "/config.json", train::TrainConfig{}.to_json().dump());
  train::RunRequest resume;
  resume.run_dir = run_dir;
  resume.resume = true;
  resume.loader_threads = 0;
  resume.overrides = {{"image_size", 32}, {"batch_size", 2}};
  auto run = train::prepare_run(resume);
  EXPECT_EQ(run.data.photo_target, "meanshift");
  ASSERT_TRUE(run.prepared.has_value());
  EXPECT_TRUE(run.prepared->photos.reused) << "the cache made with the target matches";
  EXPECT_TRUE(run.source->batch(0).photo_target.defined());
  fs::remove_all(dir);
}
