#include "data/edge_smooth.h"

#include <gtest/gtest.h>

#include "io/image_io.h"
#include "test_paths.h"

using namespace comicgan;

namespace {
std::string fixture(const std::string& name) {
  return std::string(COMICGAN_FIXTURES) + "/data/" + name;
}
}  // namespace

// References from tests/fixtures/data/make_edge_smooth.py (AnimeGAN's edge_smooth.py in numpy).
TEST(EdgeSmooth, MatchesTheAnimeGanReferenceExactly) {
  Image input = io::read_image(fixture("edge_input.png"));
  Image expected = io::read_image(fixture("edge_smooth.png"));
  ASSERT_EQ(input.channels, 3);
  Image smooth = data::edge_smooth(input);
  ASSERT_EQ(smooth.width, expected.width);
  ASSERT_EQ(smooth.height, expected.height);
  size_t differing = 0, changed = 0;
  for (size_t i = 0; i < smooth.pixels.size(); ++i) {
    differing += smooth.pixels[i] != expected.pixels[i];
    changed += smooth.pixels[i] != input.pixels[i];
  }
  EXPECT_EQ(differing, 0u);
  EXPECT_GT(changed, smooth.pixels.size() / 10);  // the fixture has many edges
  EXPECT_LT(changed, smooth.pixels.size());       // and flat areas left alone
}

TEST(EdgeSmooth, GrayscaleMatchesOpenCvReference) {
  Image input = io::read_image(fixture("edge_input.png"));
  Image expected = io::read_image(fixture("edge_gray.png"));  // read back as RGB
  Image gray = data::grayscale(input);
  ASSERT_EQ(gray.channels, 1);
  ASSERT_EQ(gray.pixels.size(), size_t(expected.width) * expected.height);
  for (size_t i = 0; i < gray.pixels.size(); ++i)
    ASSERT_EQ(gray.pixels[i], expected.pixels[3 * i]) << i;
}

TEST(EdgeSmooth, FlatPictureIsUnchanged) {
  Image flat(20, 12, 3);
  std::fill(flat.pixels.begin(), flat.pixels.end(), uint8_t(77));
  EXPECT_EQ(data::edge_smooth(flat).pixels, flat.pixels);
}
