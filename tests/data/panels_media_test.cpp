// Cutting comic pages into panels (data/panels_media.h) on drawn pages of known layout.
#include "data/panels_media.h"

#include <gtest/gtest.h>

#include "comicgan/error.h"

using namespace comicgan;

namespace {

void fill(Image& page, int x0, int y0, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  for (int y = y0; y < y0 + h; ++y)
    for (int x = x0; x < x0 + w; ++x) {
      uint8_t* p = page.row(y) + size_t(x) * 3;
      p[0] = r, p[1] = g, p[2] = b;
    }
}

Image white_page(int w, int h) {
  Image page(w, h, 3);
  std::fill(page.pixels.begin(), page.pixels.end(), uint8_t(255));
  return page;
}

}  // namespace

TEST(Panels, FindsEachPanelInReadingOrderInset) {
  Image page = white_page(400, 300);
  fill(page, 20, 20, 170, 120, 200, 90, 40);   // top left
  fill(page, 210, 24, 170, 116, 40, 90, 200);  // top right, a little lower
  fill(page, 20, 160, 360, 120, 30, 160, 60);  // bottom, full width
  fill(page, 60, 60, 4, 4, 255, 255, 255);     // a white highlight inside the first panel
  data::PanelOptions o;
  o.min_side = 50;
  o.inset = 3;
  auto panels = data::find_panels(page, o);
  ASSERT_EQ(panels.size(), 3u);
  EXPECT_EQ(panels[0].x, 23);
  EXPECT_EQ(panels[0].y, 23);
  EXPECT_EQ(panels[0].width, 164);
  EXPECT_EQ(panels[0].height, 114);
  EXPECT_EQ(panels[1].x, 213);
  EXPECT_EQ(panels[2].y, 163);
  EXPECT_EQ(panels[2].width, 354);
  // No gutter inside a crop: every pixel of every panel is the panel's colour.
  for (const auto& r : panels) {
    Image crop = data::crop(page, r);
    int white = 0;
    for (size_t i = 0; i < crop.pixels.size(); i += 3)
      white += crop.pixels[i] == 255 && crop.pixels[i + 1] == 255;
    EXPECT_LE(white, 16);  // only the highlight
  }
}

TEST(Panels, SmallMarksAreDroppedAndABlankPageHasNone) {
  Image page = white_page(300, 300);
  EXPECT_TRUE(data::find_panels(page).empty());
  fill(page, 10, 10, 40, 40, 0, 0, 0);  // a logo, smaller than min_side
  EXPECT_TRUE(data::find_panels(page).empty());
  fill(page, 0, 100, 300, 200, 90, 90, 90);  // full bleed to the page edges
  auto panels = data::find_panels(page);
  ASSERT_EQ(panels.size(), 1u);
  EXPECT_EQ(panels[0].x, 6);
  EXPECT_EQ(panels[0].width, 288);
}

TEST(Panels, BoxesWithMuchPageWhiteAreDropped) {
  Image page = white_page(300, 300);
  // A panel with a slanted side: its bounding box holds a white wedge of a quarter of its area.
  for (int y = 20; y < 280; ++y) fill(page, 20, y, 130 + (y - 20) / 2, 1, 90, 40, 40);
  EXPECT_TRUE(data::find_panels(page).empty());
  data::PanelOptions lenient;
  lenient.max_white_fraction = 0.5;
  EXPECT_EQ(data::find_panels(page, lenient).size(), 1u);
}

TEST(Panels, CropChecksItsRectangle) {
  Image page = white_page(50, 40);
  EXPECT_THROW(data::crop(page, {40, 0, 20, 10}), Error);
  EXPECT_EQ(data::crop(page, {10, 5, 20, 10}).width, 20);
}
