#include "data/prepared_data.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "comicgan/error.h"
#include "data/prepared_fixture.h"
#include "error_message.h"
#include "test_paths.h"

using namespace comicgan;
using comicgan::test::error_of;
namespace fs = std::filesystem;

namespace {

std::string temp_dir(const std::string& name) {
  return comicgan_test::scratch_folder("prepared-data-" + name);
}

data::PreparedDataOptions small(int threads, uint64_t seed = 7) {
  data::PreparedDataOptions o;
  o.image_size = 16;
  o.batch_size = 3;
  o.seed = seed;
  o.threads = threads;
  return o;
}

bool same(const data::TrainingBatch& a, const data::TrainingBatch& b) {
  return torch::equal(a.photo, b.photo) && torch::equal(a.style, b.style) &&
         torch::equal(a.style_gray, b.style_gray) && torch::equal(a.style_smooth, b.style_smooth);
}

// Back from [-1, 1] to the stored byte.
int byte_at(const at::Tensor& t, int n, int c, int y, int x) {
  return int(std::lround((t[n][c][y][x].item<float>() + 1) * 127.5f));
}

class PreparedData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    test::write_coded_prepared_dir(dir_, 7, 5, 40, 24);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

}  // namespace

TEST_F(PreparedData, SameSeedAndStepGiveTheSameBatchWhateverTheThreads) {
  auto sync = data::open_prepared_data(dir_, small(0));
  auto one = data::open_prepared_data(dir_, small(1));
  auto three = data::open_prepared_data(dir_, small(3));
  for (int64_t step : {0, 1, 2, 3, 4, 9, 5, 6, 0, 100}) {  // jumps: a resumed run
    auto a = sync->batch(step);
    EXPECT_TRUE(same(a, one->batch(step))) << step;
    EXPECT_TRUE(same(a, three->batch(step))) << step;
  }
  auto other_seed = data::open_prepared_data(dir_, small(1, 8));
  EXPECT_FALSE(same(sync->batch(0), other_seed->batch(0)));
}

TEST_F(PreparedData, BatchesAreCropsOfOneImageFlippedOrNot) {
  auto source = data::open_prepared_data(dir_, small(2));
  for (int64_t step = 0; step < 6; ++step) {
    auto b = source->batch(step);
    ASSERT_EQ(b.photo.sizes(), (std::vector<int64_t>{3, 3, 16, 16}));
    EXPECT_LE(b.photo.max().item<float>(), 1.0f);
    EXPECT_GE(b.photo.min().item<float>(), -1.0f);
    for (int n = 0; n < 3; ++n) {
      for (const auto* t : {&b.photo, &b.style}) {
        // R holds x, G holds y, B the image's id: a crop is a block of consecutive x and y.
        int x_first = byte_at(*t, n, 0, 0, 0), x_last = byte_at(*t, n, 0, 0, 15);
        EXPECT_EQ(std::abs(x_last - x_first), 15);
        int y0 = byte_at(*t, n, 1, 0, 0);
        EXPECT_EQ(byte_at(*t, n, 1, 15, 7), y0 + 15);
        EXPECT_LE(y0, 24 - 16);
        EXPECT_LE(std::min(x_first, x_last), 40 - 16);
        EXPECT_TRUE(
            torch::equal((*t)[n][2], torch::full({16, 16}, (*t)[n][2][0][0].item<float>())));
      }
      // The grayscale copy (= R) and the smoothed copy (R = 255 - x) share the style crop.
      for (int c = 0; c < 3; ++c) EXPECT_TRUE(torch::equal(b.style_gray[n][c], b.style[n][0]));
      EXPECT_TRUE(torch::allclose(b.style_smooth[n][0], -b.style[n][0]));
      EXPECT_TRUE(torch::equal(b.style_smooth[n][1], b.style[n][1]));
    }
  }
}

TEST_F(PreparedData, DifferentStepsGiveDifferentCropsAndFlips) {
  test::write_coded_prepared_dir(dir_, 1, 1, 40, 24);  // one image each: only crops differ
  auto source = data::open_prepared_data(dir_, small(1));
  std::set<std::pair<int, int>> corners;  // (first x, y) of sample 0
  for (int64_t step = 0; step < 20; ++step) {
    auto b = source->batch(step);
    corners.insert({byte_at(b.photo, 0, 0, 0, 0), byte_at(b.photo, 0, 1, 0, 0)});
  }
  EXPECT_GT(corners.size(), 10u);
  bool flipped = false, unflipped = false;
  for (int64_t step = 0; step < 20; ++step) {
    auto b = source->batch(step);
    (byte_at(b.photo, 0, 0, 0, 15) > byte_at(b.photo, 0, 0, 0, 0) ? unflipped : flipped) = true;
  }
  EXPECT_TRUE(flipped && unflipped);
}

TEST_F(PreparedData, EveryImageOncePerEpoch) {
  auto o = small(1);
  o.batch_size = 7;  // one step per photo epoch
  auto source = data::open_prepared_data(dir_, o);
  std::vector<int> first_epoch_order;
  for (int64_t step = 0; step < 3; ++step) {
    auto b = source->batch(step);
    std::set<int> ids;
    for (int n = 0; n < 7; ++n) ids.insert(byte_at(b.photo, n, 2, 0, 0));
    EXPECT_EQ(ids.size(), 7u) << step;
    if (step == 0)
      for (int n = 0; n < 7; ++n) first_epoch_order.push_back(byte_at(b.photo, n, 2, 0, 0));
  }
  std::vector<int> sorted = first_epoch_order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NE(first_epoch_order, sorted);  // shuffled
}

TEST_F(PreparedData, ZoomOutAndSmallImagesAreResized) {
  test::write_coded_prepared_dir(dir_, 2, 2, 40, 12);  // shorter than the crop: enlarged
  auto o = small(0);
  o.max_scale = 2.0;
  auto a = data::open_prepared_data(dir_, o)->batch(3);
  auto b = data::open_prepared_data(dir_, o)->batch(3);
  EXPECT_TRUE(same(a, b));
  EXPECT_EQ(a.photo.size(2), 16);
  // The whole 12 rows are spread over 16: first row from source row 0, last from row 11.
  EXPECT_EQ(byte_at(a.photo, 0, 1, 0, 0), 0);
  EXPECT_EQ(byte_at(a.photo, 0, 1, 15, 0), 11);
  EXPECT_LE(a.photo.abs().max().item<float>(), 1.0f);
}

TEST_F(PreparedData, ReportsWaitingTime) {
  auto source = data::open_prepared_data(dir_, small(0));
  source->batch(0);
  EXPECT_GT(source->take_wait_seconds(), 0.0);
  EXPECT_EQ(source->take_wait_seconds(), 0.0);
}

TEST_F(PreparedData, InfoCountsImages) {
  auto info = data::prepared_data_info(dir_);
  EXPECT_EQ(info.photos, 7);
  EXPECT_EQ(info.style, 5);
}

TEST_F(PreparedData, ClearErrorsForMissingCorruptOrEmptyData) {
  auto open = [&](const std::string& d) { return [d] { data::open_prepared_data(d, small(1)); }; };
  EXPECT_NE(error_of(open(dir_ + "/nope")).find("comicgan prepare"), std::string::npos);
  fs::create_directories(dir_ + "/empty");
  EXPECT_NE(error_of(open(dir_ + "/empty")).find("no manifest.json"), std::string::npos);

  {  // a flipped byte in a shard
    std::fstream f(dir_ + "/style-test-1.cgm", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-5, std::ios::end);
    f.put('\x7f');
  }
  EXPECT_NE(error_of(open(dir_)).find("checksum"), std::string::npos);
  fs::remove(dir_ + "/style-test-1.cgm");
  EXPECT_NE(error_of(open(dir_)).find("missing"), std::string::npos);

  test::write_coded_prepared_dir(dir_, 3, 0, 20, 20);
  EXPECT_NE(error_of(open(dir_)).find("no style images"), std::string::npos);

  io::write_file_atomically(dir_ + "/manifest.json", "{\"format\": \"comicgan-pre");
  EXPECT_NE(error_of(open(dir_)).find("corrupt manifest"), std::string::npos);
}
