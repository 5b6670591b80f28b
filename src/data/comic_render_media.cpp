#include "data/comic_render_media.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "comicgan/error.h"
#include "io/image_mat.h"

namespace comicgan::data {
namespace {

// Smoothing, the palette and the ink field are computed at this short side (or the picture's
// own, if smaller) and brought back to full size before the hard decisions (palette index, ink,
// dots): edges stay crisp at any size, line thickness and dot size scale with the picture, and
// a 1920x1080 photo costs about what a 910x512 one does.
constexpr int kWorkShortSide = 512;
constexpr int kMaxColors = 64;
constexpr float kMaxLineWeight = 4.0f;
constexpr int kKmeansIterations = 12;
constexpr int kLutBits = 6;         // palette lookup by the top 6 bits of B, G and R
constexpr double kMinInkArea = 12;  // ink specks smaller than this (work-scale pixels) are dropped
constexpr double kDotPeriod = 6;    // screentone period in work-scale pixels

struct StyleParams {
  int colors;
  double sigma_color;  // bilateral filter range sigma, 8-bit units
  int smooth_passes;
  double line_sigma;  // XDoG inner Gaussian, work-scale pixels
  double line_gain;   // XDoG sharpening p: ink where g1 + p (g1 - g2) < dark_fill
  double dark_fill;   // gray level (0..1) below which flat areas become solid black
  double saturation;  // palette chroma gain
};

StyleParams style_params(LookStyle style) {
  switch (style) {
    case LookStyle::comic:
      return {12, 28, 2, 0.9, 22, 0.10, 1.15};
    case LookStyle::cel:
      return {6, 40, 3, 1.3, 26, 0.08, 1.35};
    case LookStyle::manga:
      return {0, 28, 2, 0.9, 22, 0.0, 1.0};
  }
  fail("comic look: unknown style ", int(style));
}

// The palette: k-means on a colour histogram of the picture (Lab bins of 5 x 8 x 8 units), each
// bin weighted by the square root of its pixel count so that small but distinct colours (a red
// ladybird on a green leaf) win a palette entry instead of a fifth shade of the background.
// Seeded k-means++ then Lloyd's iterations; only the seeded mt19937_64 makes choices, so the
// palette is the same on every run.
std::vector<cv::Vec3f> kmeans_palette(const cv::Mat& lab, int k, uint64_t seed) {
  constexpr int kLBins = 21, kABBins = 32;
  std::vector<cv::Vec3d> sums(size_t(kLBins) * kABBins * kABBins, cv::Vec3d(0, 0, 0));
  std::vector<int> counts(sums.size(), 0);
  auto bin = [](float v, float offset, float width, int bins) {
    return std::clamp(int((v + offset) / width), 0, bins - 1);
  };
  for (int y = 0; y < lab.rows; ++y) {
    const auto* px = lab.ptr<cv::Vec3f>(y);
    for (int x = 0; x < lab.cols; ++x) {
      size_t i = (size_t(bin(px[x][0], 0, 5, kLBins)) * kABBins + bin(px[x][1], 128, 8, kABBins)) *
                     kABBins +
                 bin(px[x][2], 128, 8, kABBins);
      sums[i] += cv::Vec3d(px[x]);
      ++counts[i];
    }
  }
  std::vector<cv::Vec3f> colours;
  std::vector<double> weights;
  for (size_t i = 0; i < sums.size(); ++i)
    if (counts[i]) {
      colours.emplace_back(sums[i] * (1.0 / counts[i]));
      weights.push_back(std::sqrt(double(counts[i])));
    }

  std::mt19937_64 rng(seed);
  auto uniform = [&rng] { return double(rng() >> 11) * 0x1.0p-53; };
  auto dist2 = [](const cv::Vec3f& a, const cv::Vec3f& b) {
    cv::Vec3f d = a - b;
    return double(d.dot(d));
  };
  // k-means++: each further centre is drawn with probability weight * distance^2.
  auto pick = [&](const std::vector<double>& score) {
    double total = 0;
    for (double s : score) total += s;
    double target = uniform() * total, acc = 0;
    size_t i = 0;
    for (; i + 1 < score.size(); ++i)
      if ((acc += score[i]) >= target) break;
    return i;
  };
  std::vector<cv::Vec3f> centers{colours[pick(weights)]};
  std::vector<double> nearest(colours.size(), std::numeric_limits<double>::max()),
      score(colours.size());
  while (int(centers.size()) < k) {
    for (size_t i = 0; i < colours.size(); ++i) {
      nearest[i] = std::min(nearest[i], dist2(colours[i], centers.back()));
      score[i] = weights[i] * nearest[i];
    }
    if (*std::max_element(nearest.begin(), nearest.end()) <= 0) break;  // fewer colours than k
    centers.push_back(colours[pick(score)]);
  }

  for (int iteration = 0; iteration < kKmeansIterations; ++iteration) {
    std::vector<cv::Vec3d> acc(centers.size(), cv::Vec3d(0, 0, 0));
    std::vector<double> mass(centers.size(), 0);
    for (size_t i = 0; i < colours.size(); ++i) {
      size_t best = 0;
      double best_d = dist2(colours[i], centers[0]);
      for (size_t c = 1; c < centers.size(); ++c) {
        double d = dist2(colours[i], centers[c]);
        if (d < best_d) best_d = d, best = c;
      }
      acc[best] += cv::Vec3d(colours[i]) * weights[i];
      mass[best] += weights[i];
    }
    for (size_t c = 0; c < centers.size(); ++c)
      if (mass[c] > 0) centers[c] = cv::Vec3f(acc[c] * (1.0 / mass[c]));
  }
  // Lightness order makes a median of labels behave like a median of tones at region borders.
  std::sort(centers.begin(), centers.end(), [](const cv::Vec3f& a, const cv::Vec3f& b) {
    return a[0] != b[0] ? a[0] < b[0] : (a[1] != b[1] ? a[1] < b[1] : a[2] < b[2]);
  });
  return centers;
}

cv::Mat to_lab(const cv::Mat& bgr8) {
  cv::Mat f, lab;
  bgr8.convertTo(f, CV_32F, 1.0 / 255);
  cv::cvtColor(f, lab, cv::COLOR_BGR2Lab);
  return lab;
}

// The palette's colours in BGR with their chroma scaled by `saturation`.
std::vector<cv::Vec3b> palette_bgr(const std::vector<cv::Vec3f>& centers, double saturation) {
  cv::Mat lab(1, int(centers.size()), CV_32FC3), bgr;
  for (size_t c = 0; c < centers.size(); ++c) {
    const auto& v = centers[c];
    lab.at<cv::Vec3f>(0, int(c)) = {v[0], float(v[1] * saturation), float(v[2] * saturation)};
  }
  cv::cvtColor(lab, bgr, cv::COLOR_Lab2BGR);
  std::vector<cv::Vec3b> out;
  for (size_t c = 0; c < centers.size(); ++c) {
    auto v = bgr.at<cv::Vec3f>(0, int(c));
    out.emplace_back(cv::saturate_cast<uchar>(v[0] * 255), cv::saturate_cast<uchar>(v[1] * 255),
                     cv::saturate_cast<uchar>(v[2] * 255));
  }
  return out;
}

// Nearest palette index for every colour quantized to kLutBits per channel, so labelling a full
// size picture is one table lookup per pixel.
std::vector<uint8_t> palette_lut(const std::vector<cv::Vec3f>& centers) {
  constexpr int levels = 1 << kLutBits, shift = 8 - kLutBits;
  cv::Mat colours(levels * levels, levels, CV_8UC3);
  for (int b = 0; b < levels; ++b)
    for (int g = 0; g < levels; ++g)
      for (int r = 0; r < levels; ++r)
        colours.at<cv::Vec3b>(b * levels + g, r) = {uchar((b << shift) + (1 << shift) / 2),
                                                    uchar((g << shift) + (1 << shift) / 2),
                                                    uchar((r << shift) + (1 << shift) / 2)};
  cv::Mat lab = to_lab(colours);
  std::vector<uint8_t> lut(lab.total());
  const auto* px = lab.ptr<cv::Vec3f>(0);
  for (size_t i = 0; i < lut.size(); ++i) {
    int best = 0;
    float best_d = std::numeric_limits<float>::max();
    for (size_t c = 0; c < centers.size(); ++c) {
      cv::Vec3f d = px[i] - centers[c];
      float dd = d.dot(d);
      if (dd < best_d) best_d = dd, best = int(c);
    }
    lut[i] = uint8_t(best);
  }
  return lut;
}

cv::Mat palette_labels(const cv::Mat& bgr, const std::vector<uint8_t>& lut) {
  constexpr int shift = 8 - kLutBits;
  cv::Mat labels(bgr.size(), CV_8U);
  cv::parallel_for_(cv::Range(0, bgr.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const auto* in = bgr.ptr<cv::Vec3b>(y);
      auto* out = labels.ptr<uint8_t>(y);
      for (int x = 0; x < bgr.cols; ++x)
        out[x] = lut[(in[x][0] >> shift) << (2 * kLutBits) | (in[x][1] >> shift) << kLutBits |
                     (in[x][2] >> shift)];
    }
  });
  return labels;
}

// XDoG (Winnemoeller et al. 2012), thresholded: ink where g1 + p (g1 - g2) < dark_fill. The
// field is computed at work scale and returned at full size (bilinear) so the threshold cuts
// smooth contours; 255 marks ink.
cv::Mat ink_mask(const cv::Mat& gray_work, cv::Size full, const StyleParams& p, float weight,
                 double scale) {
  cv::Mat ink = cv::Mat::zeros(full, CV_8U);
  if (weight <= 0) return ink;
  double sigma = p.line_sigma * weight;
  cv::Mat g1, g2, field;
  cv::GaussianBlur(gray_work, g1, cv::Size(), sigma);
  cv::GaussianBlur(gray_work, g2, cv::Size(), sigma * 1.6);
  field = g1 + p.line_gain * (g1 - g2) - p.dark_fill;
  if (field.size() != full) cv::resize(field, field, full, 0, 0, cv::INTER_LINEAR);
  cv::compare(field, 0, ink, cv::CMP_LT);

  cv::Mat components, stats, centroids;
  int n = cv::connectedComponentsWithStats(ink, components, stats, centroids, 8, CV_32S);
  const double min_area = kMinInkArea / (scale * scale);
  std::vector<uint8_t> keep(size_t(n), 0);
  for (int i = 1; i < n; ++i) keep[size_t(i)] = stats.at<int>(i, cv::CC_STAT_AREA) >= min_area;
  cv::parallel_for_(cv::Range(0, ink.rows), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const int* c = components.ptr<int>(y);
      uint8_t* m = ink.ptr<uint8_t>(y);
      for (int x = 0; x < ink.cols; ++x) m[x] = keep[size_t(c[x])] ? 255 : 0;
    }
  });
  return ink;
}

// Screentone: a 45-degree dot screen with the classic spot function
// s = (cos(2 pi u / P) + cos(2 pi v / P)) / 2; a pixel is black where s exceeds the threshold
// that covers the tone's share of each cell (round dots when light, a checkerboard at half,
// white dots on black when dark). Tones are a few fixed levels, as with cut screentone sheets.
cv::Mat screentone(const cv::Mat& gray_full, double period) {
  // Coverage (share of black) per tone level and the gray levels (0..1) that separate them.
  static const double coverage[] = {1.0, 0.6, 0.38, 0.18, 0.0};
  static const double bounds[] = {0.15, 0.35, 0.55, 0.75};
  constexpr int kLevels = 5, kGrid = 256;
  // The spot values that leave a given share above them, from a fine grid of cell phases.
  std::vector<float> spots;
  spots.reserve(kGrid * kGrid);
  for (int i = 0; i < kGrid; ++i)
    for (int j = 0; j < kGrid; ++j)
      spots.push_back(float(0.5 * (std::cos(2 * CV_PI * (i + 0.5) / kGrid) +
                                   std::cos(2 * CV_PI * (j + 0.5) / kGrid))));
  std::sort(spots.begin(), spots.end(), std::greater<float>());
  float threshold[kLevels];
  for (int l = 0; l < kLevels; ++l) {
    size_t covered = size_t(std::lround(coverage[l] * double(spots.size())));
    threshold[l] = covered == 0              ? 2.0f
                   : covered >= spots.size() ? -2.0f
                                             : 0.5f * (spots[covered - 1] + spots[covered]);
  }
  const int w = gray_full.cols, h = gray_full.rows;
  // u = (x + y) / sqrt 2 and v = (x - y) / sqrt 2, so each cosine depends on x + y or x - y only.
  std::vector<float> cos_sum(size_t(w + h)), cos_diff(size_t(w + h));
  for (int i = 0; i < w + h; ++i) {
    cos_sum[size_t(i)] = float(std::cos(2 * CV_PI * i / (std::sqrt(2.0) * period)));
    cos_diff[size_t(i)] = float(std::cos(2 * CV_PI * (i - h) / (std::sqrt(2.0) * period)));
  }
  cv::Mat out(gray_full.size(), CV_8U);
  cv::parallel_for_(cv::Range(0, h), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const float* g = gray_full.ptr<float>(y);
      uint8_t* o = out.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x) {
        int level = 0;
        while (level < kLevels - 1 && g[x] >= bounds[level]) ++level;
        float s = 0.5f * (cos_sum[size_t(x + y)] + cos_diff[size_t(x - y + h)]);
        o[x] = s > threshold[level] ? 0 : 255;
      }
    }
  });
  return out;
}

// Manga pages use the whole range from paper white to solid black: a low-contrast photo is
// stretched (1st..99th percentile to 0..1) before its tones are cut, a flat one is left alone.
cv::Mat stretch_contrast(const cv::Mat& gray) {
  constexpr double kMinRange = 0.25;
  std::vector<float> values(gray.begin<float>(), gray.end<float>());
  auto at = [&values](double q) {
    auto it = values.begin() + std::ptrdiff_t(q * double(values.size() - 1));
    std::nth_element(values.begin(), it, values.end());
    return double(*it);
  };
  double lo = at(0.01), hi = at(0.99);
  if (hi - lo < kMinRange) return gray;
  cv::Mat out = (gray - lo) * (1.0 / (hi - lo));
  return cv::min(cv::max(out, 0.0), 1.0);
}

}  // namespace

std::vector<std::string> comic_look_names() { return {"comic", "manga", "cel"}; }

ComicLook comic_look(const std::string& name) {
  ComicLook look;
  if (name == "comic") {
    look.style = LookStyle::comic;
  } else if (name == "manga") {
    look.style = LookStyle::manga;
  } else if (name == "cel") {
    look.style = LookStyle::cel;
  } else {
    fail("unknown comic look '", name, "': expected comic, manga or cel");
  }
  return look;
}

cv::Mat render_comic(const cv::Mat& bgr, const ComicLook& look) {
  check(bgr.type() == CV_8UC3, "render_comic: expected an 8-bit BGR picture, found Mat type ",
        cv::typeToString(bgr.type()));
  check(!bgr.empty(), "render_comic: empty picture");
  check(look.colors == 0 || (look.colors >= 2 && look.colors <= kMaxColors),
        "comic look: colors must be 0 (default) or 2..", kMaxColors, ", found ", look.colors);
  check(look.line_weight >= 0 && look.line_weight <= kMaxLineWeight,
        "comic look: line weight must be in 0..", kMaxLineWeight, ", found ", look.line_weight);
  const StyleParams p = style_params(look.style);
  const cv::Size full = bgr.size();
  const double scale = std::min(1.0, double(kWorkShortSide) / std::min(full.width, full.height));
  cv::Mat work = bgr;
  if (scale < 1)
    cv::resize(bgr, work,
               cv::Size(std::max(1, int(std::lround(full.width * scale))),
                        std::max(1, int(std::lround(full.height * scale)))),
               0, 0, cv::INTER_AREA);

  // Flat regions: a median removes sensor noise and JPEG ringing, then the bilateral passes
  // flatten texture while keeping strong edges.
  cv::Mat smooth, tmp;
  cv::medianBlur(work, smooth, 3);
  for (int i = 0; i < p.smooth_passes; ++i) {
    cv::bilateralFilter(smooth, tmp, 9, p.sigma_color, 3.0);
    std::swap(smooth, tmp);
  }
  cv::Mat gray_work;
  cv::cvtColor(smooth, gray_work, cv::COLOR_BGR2GRAY);
  gray_work.convertTo(gray_work, CV_32F, 1.0 / 255);
  cv::Mat ink = ink_mask(gray_work, full, p, look.line_weight, scale);

  cv::Mat out(full, CV_8UC3);
  if (look.style == LookStyle::manga) {
    cv::Mat gray_full = stretch_contrast(gray_work);
    if (scale < 1) cv::resize(gray_full, gray_full, full, 0, 0, cv::INTER_LINEAR);
    cv::Mat tone = screentone(gray_full, kDotPeriod / scale);
    tone.setTo(0, ink);
    cv::cvtColor(tone, out, cv::COLOR_GRAY2BGR);
    return out;
  }

  const int colors = look.colors ? look.colors : p.colors;
  auto centers = kmeans_palette(to_lab(smooth), colors, look.seed);
  auto palette = palette_bgr(centers, p.saturation);
  cv::Mat smooth_full = smooth;
  if (scale < 1) cv::resize(smooth, smooth_full, full, 0, 0, cv::INTER_LINEAR);
  cv::Mat labels = palette_labels(smooth_full, palette_lut(centers));
  cv::medianBlur(labels, labels, 5);  // no single-pixel islands at region borders
  cv::parallel_for_(cv::Range(0, full.height), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      const uint8_t* l = labels.ptr<uint8_t>(y);
      const uint8_t* k = ink.ptr<uint8_t>(y);
      auto* o = out.ptr<cv::Vec3b>(y);
      for (int x = 0; x < full.width; ++x) o[x] = k[x] ? cv::Vec3b(0, 0, 0) : palette[l[x]];
    }
  });
  return out;
}

Image render_comic(const Image& image, const ComicLook& look) {
  cv::Mat in = io::image_to_bgr_mat(image), bgr = in, alpha;
  if (in.channels() == 4) {
    cv::extractChannel(in, alpha, 3);
    cv::cvtColor(in, bgr, cv::COLOR_BGRA2BGR);
  }
  cv::Mat out = render_comic(bgr, look);
  if (!alpha.empty()) {
    cv::Mat channels[] = {out, alpha}, bgra;
    cv::merge(channels, 2, bgra);
    // merge of a 3-channel and a 1-channel Mat gives 4 channels in order B, G, R, A.
    return io::bgr_mat_to_image(bgra);
  }
  return io::bgr_mat_to_image(out);
}

}  // namespace comicgan::data
