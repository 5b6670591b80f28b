#include "data/prepare.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "comicgan/error.h"
#include "data/edge_preserving_media.h"
#include "data/prepared_data.h"
#include "data/prepared_format.h"
#include "error_message.h"
#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;
using comicgan::test::error_of;
namespace fs = std::filesystem;

namespace {

// A comic-ish picture: a flat background with a dark-outlined disc, different per `seed`.
Image picture(int width, int height, int seed, int channels = 3) {
  Image im(width, height, channels);
  int cx = width / 2 + seed % 7, cy = height / 2, r = std::min(width, height) / 3;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
      bool outline = std::abs(d2 - r * r) < 2 * r, inside = d2 < r * r;
      uint8_t* p = im.row(y) + channels * x;
      p[0] = outline ? 10 : inside ? 240 : uint8_t(40 * seed);
      p[1] = outline ? 10 : inside ? 200 : uint8_t(x * 2);
      p[2] = outline ? 10 : inside ? 30 : uint8_t(y * 2);
      if (channels == 4) p[3] = x < width / 4 ? 0 : 255;
    }
  return im;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

class Prepare : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = comicgan_test::scratch_folder(
        std::string("prepare-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "photos/sub/deeper");
    fs::create_directories(root_ / "style");
    io::write_image((root_ / "photos/a.jpg").string(), picture(120, 80, 1));
    io::write_image((root_ / "photos/sub/b.png").string(), picture(64, 96, 2));
    io::write_image((root_ / "photos/sub/deeper/c.webp").string(), picture(300, 70, 3));
    io::write_image((root_ / "style/s1.png").string(), picture(100, 100, 4));
    io::write_image((root_ / "style/s2.png").string(), picture(90, 70, 5, 4));  // with alpha
    io::write_image((root_ / "style/s3.bmp").string(), picture(80, 80, 6));
    // The unusable ones: each must be reported, none may stop the run.
    write_bytes(root_ / "style/empty.png", "");
    std::string jpeg = io::encode_image(picture(100, 80, 7), "jpg");
    write_bytes(root_ / "style/truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
    write_bytes(root_ / "style/garbage.webp", std::string(300, '\x5a'));
    io::write_image((root_ / "style/tiny.png").string(), picture(20, 20, 8));
    write_bytes(root_ / "style/notes.txt", "not a picture");
  }
  void TearDown() override { fs::remove_all(root_); }

  data::PrepareOptions options() const {
    data::PrepareOptions o;
    o.photos_dir = (root_ / "photos").string();
    o.style_dir = (root_ / "style").string();
    o.output_dir = (root_ / "prepared").string();
    o.short_side = 48;
    o.min_side = 32;
    o.threads = 2;
    return o;
  }
  fs::path root_;
};

}  // namespace

TEST_F(Prepare, ReadsFoldersRecursivelyAndReportsUnusableFiles) {
  auto report = data::prepare_training_data(options(), {});
  EXPECT_EQ(report.photos.found, 3u);
  EXPECT_EQ(report.photos.read, 3u);
  EXPECT_EQ(report.photos.skipped, 0u);
  EXPECT_EQ(report.style.found, 7u);
  EXPECT_EQ(report.style.read, 3u);
  EXPECT_EQ(report.style.skipped, 4u);
  EXPECT_EQ(report.style.ignored, 1u);
  ASSERT_EQ(report.skipped.size(), 4u);
  std::map<std::string, std::string> why;
  for (const auto& s : report.skipped) why[s.path] = s.reason;
  EXPECT_TRUE(why.count("empty.png") && why.count("truncated.jpg") && why.count("garbage.webp"));
  EXPECT_NE(why["tiny.png"].find("too small"), std::string::npos);

  std::string summary = data::summarize(report);
  EXPECT_NE(summary.find("photos: 3 read, 0 skipped"), std::string::npos) << summary;
  EXPECT_NE(summary.find("style:  3 read, 4 skipped, 1 other files ignored"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("style/truncated.jpg"), std::string::npos) << summary;

  // Shorter side 48, longer side at most 2x: 300x70 becomes 96x48 (206x48 cropped centred).
  auto manifest = data::read_manifest(options().output_dir);
  data::ShardSet photos(options().output_dir, data::Domain::photos, manifest);
  ASSERT_EQ(photos.size(), 3u);
  EXPECT_EQ(photos[0].source, "a.jpg");
  EXPECT_EQ(photos[0].width, 72);
  EXPECT_EQ(photos[0].height, 48);
  EXPECT_EQ(photos[1].width, 48);
  EXPECT_EQ(photos[1].height, 72);
  EXPECT_EQ(photos[2].source, "sub/deeper/c.webp");
  EXPECT_EQ(photos[2].width, 96);
  EXPECT_EQ(photos[2].height, 48);

  data::ShardSet style(options().output_dir, data::Domain::style, manifest);
  ASSERT_EQ(style.size(), 3u);
  EXPECT_EQ(style[1].source, "s2.png");
  EXPECT_EQ(style[1].rgb[0], 255);  // transparent corner composited over white
  EXPECT_EQ(style[1].gray[0], 255);

  data::PreparedDataOptions o;
  o.image_size = 48;
  o.batch_size = 2;
  auto batch = data::open_prepared_data(options().output_dir, o)->batch(0);
  EXPECT_EQ(batch.style_smooth.sizes(), (std::vector<int64_t>{2, 3, 48, 48}));
  EXPECT_FALSE(batch.style_smooth.equal(batch.style));  // the outline got smoothed
}

TEST_F(Prepare, ReusesTheCacheWhileInputsAreUnchanged) {
  data::prepare_training_data(options(), {});
  auto shard_files = [&] {
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(root_ / "prepared"))
      files.insert(e.path().filename().string());
    return files;
  };
  auto before = shard_files();
  std::vector<std::string> log;
  auto again =
      data::prepare_training_data(options(), [&](const std::string& l) { log.push_back(l); });
  EXPECT_TRUE(again.photos.reused && again.style.reused);
  EXPECT_EQ(again.style.read, 3u);
  EXPECT_EQ(again.style.skipped, 4u);  // still reported
  EXPECT_EQ(shard_files(), before);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find("unchanged"), std::string::npos);

  // A changed style picture: style is prepared again (its old shard removed), photos reused.
  io::write_image((root_ / "style/s1.png").string(), picture(100, 100, 9));
  auto changed = data::prepare_training_data(options(), {});
  EXPECT_TRUE(changed.photos.reused);
  EXPECT_FALSE(changed.style.reused);
  auto after = shard_files();
  EXPECT_EQ(after.size(), before.size());
  EXPECT_NE(after, before);

  // Other options: prepared again.
  auto o = options();
  o.short_side = 40;
  auto resized = data::prepare_training_data(o, {});
  EXPECT_FALSE(resized.photos.reused || resized.style.reused);
}

TEST_F(Prepare, PhotoPseudoTargetsAreTheFilteredPhotosCroppedWithThem) {
  auto o = options();
  o.photo_target = "meanshift";
  auto report = data::prepare_training_data(o, {});
  EXPECT_FALSE(report.photos.reused);
  auto manifest = data::read_manifest(o.output_dir);
  data::ShardSet photos(o.output_dir, data::Domain::photos, manifest);
  ASSERT_EQ(photos.size(), 3u);
  EXPECT_EQ(photos.target(), "meanshift");
  for (size_t i = 0; i < photos.size(); ++i) {
    const auto& v = photos[i];
    ASSERT_NE(v.target, nullptr);
    Image rgb(v.width, v.height, 3);
    std::memcpy(rgb.pixels.data(), v.rgb, rgb.pixels.size());
    Image expected = data::mean_shift_filter(rgb);
    EXPECT_EQ(0, std::memcmp(expected.pixels.data(), v.target, expected.pixels.size())) << i;
  }
  // The style shards do not depend on it: reused when only the target changes.
  o.photo_target = "comic";
  auto comic = data::prepare_training_data(o, {});
  EXPECT_FALSE(comic.photos.reused);
  EXPECT_TRUE(comic.style.reused);

  // Batches: the target crop is the photo's crop (the same window, the same flip).
  o.photo_target = "meanshift";
  data::prepare_training_data(o, {});
  data::PreparedDataOptions d;
  d.image_size = 32;
  d.batch_size = 3;
  d.max_scale = 1.5;
  auto source = data::open_prepared_data(o.output_dir, d);
  for (int64_t step : {0, 1, 2}) {
    auto b = source->batch(step);
    ASSERT_TRUE(b.photo_target.defined());
    ASSERT_EQ(b.photo_target.sizes(), b.photo.sizes());
    // A filtered copy stays close to its own photo, far from the other photos of the batch.
    for (int64_t i = 0; i < 3; ++i) {
      double own = (b.photo_target[i] - b.photo[i]).abs().mean().item<double>();
      for (int64_t j = 0; j < 3; ++j)
        if (j != i && !b.photo[i].equal(b.photo[j]))
          EXPECT_LT(own, (b.photo_target[i] - b.photo[j]).abs().mean().item<double>());
    }
  }
  // Without targets the batch has none, and unknown names are refused.
  data::prepare_training_data(options(), {});
  EXPECT_FALSE(data::open_prepared_data(options().output_dir, d)->batch(0).photo_target.defined());
  o.photo_target = "sketch";
  EXPECT_NE(error_of([&] { data::prepare_training_data(o, {}); }).find("sketch"),
            std::string::npos);
}

TEST_F(Prepare, RefusesFoldersWithoutUsablePictures) {
  auto o = options();
  fs::create_directories(root_ / "nothing");
  o.photos_dir = (root_ / "nothing").string();
  EXPECT_NE(error_of([&] { data::prepare_training_data(o, {}); }).find("no usable pictures"),
            std::string::npos);

  o = options();
  fs::create_directories(root_ / "broken");
  write_bytes(root_ / "broken/x.png", "");
  write_bytes(root_ / "broken/y.jpg", "garbage");
  o.style_dir = (root_ / "broken").string();
  std::string message = error_of([&] { data::prepare_training_data(o, {}); });
  EXPECT_NE(message.find("style folder"), std::string::npos) << message;
  EXPECT_NE(message.find("2 unreadable"), std::string::npos) << message;
  EXPECT_NE(message.find("x.png"), std::string::npos) << message;

  o = options();
  o.style_dir = (root_ / "missing").string();
  EXPECT_NE(error_of([&] { data::prepare_training_data(o, {}); }).find("no such folder"),
            std::string::npos);
}

TEST_F(Prepare, CommandPrintsTheValidationReport) {
  auto o = options();
  std::string command = std::string(COMICGAN_CLI) + " prepare --photos " + o.photos_dir +
                        " --style " + o.style_dir + " -o " + o.output_dir +
                        " --short-side 48 --min-side 32 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::array<char, 512> buffer;
  while (fgets(buffer.data(), buffer.size(), pipe)) output += buffer.data();
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find("style:  3 read, 4 skipped"), std::string::npos) << output;
  EXPECT_NE(output.find("skipped style/empty.png"), std::string::npos) << output;
}
