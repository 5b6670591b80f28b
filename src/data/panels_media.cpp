#include "data/panels_media.h"

#include <algorithm>
#include <cstring>
#include <opencv2/imgproc.hpp>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::data {

std::vector<PanelRect> find_panels(const Image& page, const PanelOptions& o) {
  check(!page.empty() && page.channels >= 3, "find_panels: expected an RGB picture");
  check(o.gutter_level >= 1 && o.gutter_level <= 255,
        "panel gutter level must be in [1, 255], found ", o.gutter_level);
  check(o.min_side >= 1 && o.inset >= 0, "panel min side must be >= 1 and inset >= 0, found ",
        o.min_side, " and ", o.inset);
  cv::Mat bgr = io::image_to_bgr_mat(page);
  if (bgr.channels() == 4) bgr = io::over_white(bgr);
  // Darkest channel per pixel: page white is white in all three.
  std::vector<cv::Mat> planes;
  cv::split(bgr, planes);
  cv::Mat darkest = cv::min(cv::min(planes[0], planes[1]), planes[2]);
  cv::Mat ink = darkest < o.gutter_level;
  const cv::Mat white = ~ink;
  // Close small white areas (clouds, highlights, speech-free balloons) into their panel; gutters
  // are wider than the closing, so neighbouring panels stay apart.
  cv::morphologyEx(ink, ink, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {9, 9}));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(ink, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const double min_area = o.min_area_fraction * double(page.width) * double(page.height);
  std::vector<PanelRect> panels;
  for (const auto& c : contours) {
    cv::Rect r = cv::boundingRect(c);
    r.x += o.inset, r.y += o.inset, r.width -= 2 * o.inset, r.height -= 2 * o.inset;
    if (r.width < o.min_side || r.height < o.min_side || double(r.area()) < min_area) continue;
    if (cv::countNonZero(white(r)) > o.max_white_fraction * double(r.area())) continue;
    panels.push_back({r.x, r.y, r.width, r.height});
  }
  // Reading order: rows of panels (tops within a tenth of the page), then left to right.
  const int row = std::max(1, page.height / 10);
  std::sort(panels.begin(), panels.end(), [row](const PanelRect& a, const PanelRect& b) {
    return a.y / row != b.y / row ? a.y / row < b.y / row : a.x < b.x;
  });
  return panels;
}

Image crop(const Image& image, const PanelRect& r) {
  check(r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= image.width &&
            r.y + r.height <= image.height,
        "crop: rectangle ", r.width, "x", r.height, "+", r.x, "+", r.y, " is not inside the ",
        image.width, "x", image.height, " picture");
  Image out(r.width, r.height, image.channels);
  const size_t bytes = size_t(r.width) * size_t(image.channels);
  for (int y = 0; y < r.height; ++y)
    std::memcpy(out.row(y), image.row(r.y + y) + size_t(r.x) * size_t(image.channels), bytes);
  return out;
}

}  // namespace comicgan::data
