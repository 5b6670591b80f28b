// Cutting comic pages into their panels, so that a style set made of pages teaches the panels'
// drawing and not the white gutters between them (a resized whole page would).
#pragma once

#include <vector>

#include "comicgan/image.h"

namespace comicgan::data {

struct PanelOptions {
  int gutter_level = 235;           // a pixel whose channels are all at least this is page white
  int min_side = 160;               // panels narrower or shorter than this are dropped
  double min_area_fraction = 0.02;  // ... and so are those below this share of the page
  int inset = 6;  // pixels cut from every side of a panel (its frame line, anti-aliased edges)
  // Boxes with more page white than this are dropped: slanted gutters leave white wedges in a
  // bounding box, and pages of text on paper are mostly white.
  double max_white_fraction = 0.1;
};

struct PanelRect {
  int x = 0, y = 0, width = 0, height = 0;
};

// The panels of a page, top to bottom then left to right: the bounding boxes of the connected
// non-white regions (small white areas inside a panel are closed over), inset, without those
// holding too much page white (options.max_white_fraction). A page without
// gutters is one panel; a blank page has none.
std::vector<PanelRect> find_panels(const Image& page, const PanelOptions& options = {});

// The picture inside `rect` (a copy).
Image crop(const Image& image, const PanelRect& rect);

}  // namespace comicgan::data
