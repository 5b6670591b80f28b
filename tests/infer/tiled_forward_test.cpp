// Tiled runs against the untiled fast path: with the whole picture's statistics the tiles join
// exactly (1e-4); with statistics estimated on a downscaled copy they stay within the stated
// tolerance on a photo-like picture; plans fit their budget.
#include "infer/tiled_forward.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "comicgan/error.h"
#include "infer/benchmark.h"
#include "infer/stylizer.h"
#include "models/animegan2.h"

using namespace comicgan;

namespace {

std::shared_ptr<models::Generator> generator(bool align_corners, double width) {
  torch::manual_seed(21);
  auto g =
      models::make_generator("animegan2", {{"width", width}, {"align_corners", align_corners}});
  g->eval();
  return g;
}

}  // namespace

TEST(TiledForward, HaloCoversTheReceptiveField) {
  infer::FastGenerator fast(*generator(true, 0.25), at::kFloat);
  EXPECT_EQ(fast.receptive_radius(), 51);  // counted by hand from the architecture
  EXPECT_EQ(infer::exact_halo(fast), 52);
}

TEST(TiledForward, WithWholePictureStatisticsTilesJoinExactly) {
  for (bool align : {true, false}) {
    infer::FastGenerator fast(*generator(align, 0.25), at::kFloat);
    // Sizes that leave ragged last tiles; multiples of 4 where the architecture needs them.
    using Case = std::array<int64_t, 3>;  // height, width, tile
    std::vector<Case> cases = align
                                  ? std::vector<Case>{{150, 133, 32}, {97, 201, 44}, {200, 190, 40}}
                                  : std::vector<Case>{{152, 136, 44}};
    for (auto [h, w, tile] : cases) {
      auto x = torch::rand({1, 3, h, w}) * 2 - 1;
      std::vector<infer::Moments> stats;
      auto whole = fast.forward(x, nullptr, nullptr, &stats);
      ASSERT_EQ(int64_t(stats.size()), fast.normalization_count());
      auto plan = infer::fixed_tiles(h, w, tile, infer::exact_halo(fast));
      EXPECT_GT(plan.rows * plan.cols, 1);
      auto tiled = infer::tiled_forward(fast, x, plan, stats);
      EXPECT_LE((tiled - whole).abs().max().item<float>(), 1e-4f)
          << (align ? "align " : "scale ") << w << "x" << h << " tile " << tile;
    }
  }
}

TEST(TiledForward, EstimatedStatisticsStayCloseOnAPhotoLikePicture) {
  auto g = generator(true, 0.5);
  infer::FastGenerator fast(*g, at::kFloat);
  Image photo = infer::synthetic_photo(320, 240, 5);
  at::Tensor x = infer::image_to_tensor(photo);
  auto whole = fast.forward(x);
  // Windows of 128 + 2 x 52 px: the statistics come from the picture squeezed to 232x232, under
  // 3/4 of its pixels and not its aspect ratio.
  auto plan = infer::fixed_tiles(240, 320, 128, infer::exact_halo(fast));
  ASSERT_EQ(plan.window_h, 232);
  auto stats = infer::estimate_statistics(fast, x, plan.window_h, plan.window_w);
  auto tiled = infer::tiled_forward(fast, x, plan, stats);
  Image a = infer::tensor_to_image(whole, photo, 1.0f),
        b = infer::tensor_to_image(tiled, photo, 1.0f);
  double db = infer::psnr(a, b);
  std::cout << "tiled (statistics from the window-sized copy) vs untiled: " << db << " dB\n";
  EXPECT_GE(db, 40.0);  // the stated tolerance: PSNR >= 40 dB of the 8-bit output
}

TEST(TiledForward, PlansFitTheBudgetWithWindowsOfOneShape) {
  const double budget = 2.0e9;
  auto plan = infer::plan_tiles(2160, 3840, 52, budget, at::kFloat);
  EXPECT_LE(infer::fast_path_bytes(plan.window_h, plan.window_w, at::kFloat), budget);
  EXPECT_GE(plan.core_h * plan.rows, 2160);
  EXPECT_GE(plan.core_w * plan.cols, 3840);
  EXPECT_EQ(plan.window_h, plan.core_h + 2 * 52);  // 2160 % 4 == 0: nothing added
  // A picture whose height is not a multiple of 4: windows absorb the remainder.
  auto odd = infer::fixed_tiles(150, 133, 32, 52);
  EXPECT_EQ(odd.window_h, 32 + 104 + 2);
  EXPECT_EQ(odd.window_w, 133);  // wider than the picture: one column
  EXPECT_THROW(infer::plan_tiles(2160, 3840, 52, 1.0e6, at::kFloat), Error);
}
