// Tiled runs against the untiled fast path: with the whole picture's statistics the tiles join
// exactly (1e-4); with statistics estimated on a downscaled copy they stay within the stated
// tolerance on a photo-like picture.
#include "infer/tiled_forward.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "infer/benchmark.h"
#include "infer/stylizer.h"
#include "models/animegan2.h"

using namespace comicgan;

namespace {

std::shared_ptr<models::Generator> generator(bool align_corners, double width) {
  torch::manual_seed(21);
  auto g = models::make_generator("animegan2", {{"width", width}, {"align_corners", align_corners}});
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
    std::vector<Case> cases = align ? std::vector<Case>{{150, 133, 32}, {97, 201, 44}} : std::vector<Case>{{152, 136, 44}};
    for (auto [h, w, tile] : cases) {
      auto x = torch::rand({1, 3, h, w}) * 2 - 1;
      std::vector<infer::Moments> stats;
      auto whole = fast.forward(x, nullptr, nullptr, &stats);
      ASSERT_EQ(int64_t(stats.size()), fast.normalization_count());
      auto tiled = infer::tiled_forward(fast, x, tile, infer::exact_halo(fast), stats);
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
  auto stats = infer::estimate_statistics(fast, x, 160.0 * 120.0);  // a quarter of the pixels
  auto tiled = infer::tiled_forward(fast, x, 96, infer::exact_halo(fast), stats);
  Image a = infer::tensor_to_image(whole, photo, 1.0f), b = infer::tensor_to_image(tiled, photo, 1.0f);
  double db = infer::psnr(a, b);
  std::cout << "tiled (statistics at 1/4 of the pixels) vs untiled: " << db << " dB\n";
  EXPECT_GE(db, 30.0);  // the stated tolerance: PSNR >= 30 dB of the 8-bit output
}
