// index.html: one file with everything inlined (styles, the grid as a data: URI, histograms as
// inline SVG). No scripts and no outside resources, so it opens offline, from an e-mail or an
// archive, and shows no console errors.
#include <algorithm>
#include <cstdio>
#include <sstream>

#include "eval/report.h"

namespace comicgan::eval {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}th,td{padding:.35em .8em;border-bottom:1px solid #ddd;text-align:right}
th:first-child,td:first-child{text-align:left}td.best{font-weight:bold;background:#e6f4e6}
td.net{color:#666;font-size:.85em;text-align:left}.note{color:#8a5a00}
img.grid{max-width:100%;border:1px solid #ccc}svg text{font-size:11px;fill:#333}
)";

const char* kSetColours[] = {"#d9534f", "#0275d8", "#5cb85c", "#f0ad4e", "#6f42c1", "#17a2b8"};

std::string histogram_svg(const DiscriminatorVerdict& v) {
  const int bins = int(v.bin_edges.size()) - 1, sets = int(v.sets.size());
  const int width = 640, height = 200, left = 40, bottom = 30;
  int64_t top = 1;
  for (const auto& s : v.sets)
    for (auto c : s.histogram) top = std::max(top, c);
  const double bin_w = double(width - left) / bins, bar_w = bin_w / (sets + 1);
  std::ostringstream svg;
  svg << "<svg width='" << width << "' height='" << height + 20 * sets
      << "' role='img' aria-label='histogram of discriminator scores'>";
  for (int b = 0; b < bins; ++b)
    for (int s = 0; s < sets; ++s) {
      double h =
          double(v.sets[size_t(s)].histogram[size_t(b)]) / double(top) * (height - bottom - 10);
      svg << "<rect x='" << left + b * bin_w + s * bar_w << "' y='" << height - bottom - h
          << "' width='" << bar_w << "' height='" << h << "' fill='" << kSetColours[s % 6] << "'/>";
    }
  for (int b = 0; b <= bins; b += std::max(1, bins / 6))
    svg << "<text x='" << left + b * bin_w << "' y='" << height - bottom + 14
        << "' text-anchor='middle'>" << number(v.bin_edges[size_t(b)]) << "</text>";
  svg << "<text x='0' y='12'>" << top << "</text><text x='0' y='" << height - bottom
      << "'>0</text>";
  for (int s = 0; s < sets; ++s)
    svg << "<rect x='" << left << "' y='" << height + 20 * s << "' width='12' height='12' fill='"
        << kSetColours[s % 6] << "'/><text x='" << left + 18 << "' y='" << height + 20 * s + 10
        << "'>" << escape(v.sets[size_t(s)].label) << "</text>";
  svg << "</svg>";
  return svg.str();
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 |
                 uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += table[(n >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += table[(n >> 18) & 63];
    out += table[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? table[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string report_html(const Evaluation& ev, const std::string& grid_jpeg,
                        const std::string& verdict_jpeg) {
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
    << "<meta name='viewport' content='width=device-width,initial-scale=1'>"
    << "<title>comicgan evaluation</title><style>" << kStyle << "</style></head><body>"
    << "<h1>comicgan evaluation</h1><p>" << ev.photos.images.size() << " photos from <code>"
    << escape(ev.options.photos) << "</code>";
  if (!ev.style.images.empty())
    h << ", " << ev.style.images.size() << " style pictures from <code>" << escape(ev.options.style)
      << "</code>";
  h << "; every picture centre-cropped and resized to " << ev.options.side << "&times;"
    << ev.options.side << ".</p>";

  h << "<h2>Metrics</h2><table><tr><th>metric</th><th></th>";
  for (const auto& m : ev.models)
    h << "<th title='" << escape(m.source) << "'>" << escape(m.name) << "</th>";
  h << "<th>measured with</th></tr>";
  for (const auto& [key, best] : best_per_row(ev)) {
    const Metric* any = nullptr;
    for (const auto& m : ev.models) any = any ? any : find_metric(m, key);
    h << "<tr><td>" << escape(any->label) << "</td><td title='"
      << (any->better == Better::lower    ? "lower is better'>&darr;"
          : any->better == Better::higher ? "higher is better'>&uarr;"
                                          : "'>")
      << "</td>";
    for (size_t i = 0; i < ev.models.size(); ++i) {
      const Metric* m = find_metric(ev.models[i], key);
      bool is_best = int(i) == best;
      h << "<td" << (is_best ? " class='best'" : "")
        << (m ? " title='" + escape(m->detail) + "'" : "") << ">"
        << (m ? number(m->value) : "&ndash;") << (is_best ? " &#9733;" : "") << "</td>";
    }
    h << "<td class='net'>" << escape(any->network) << "</td></tr>";
  }
  h << "</table>";
  if (ev.models.size() > 1) h << "<p>&#9733; best of the models compared in that row.</p>";

  h << "<h2>Pictures</h2><p>photo | each model";
  if (!ev.nearest_style.empty())
    h << " | the style pictures nearest to the first model's output (8&times;8 Lab thumbnail)";
  h << "</p><img class='grid' alt='comparison grid' src='data:image/jpeg;base64,"
    << base64(grid_jpeg) << "'>";

  if (ev.verdict) {
    const auto& v = *ev.verdict;
    h << "<h2>Discriminator verdict</h2><p>Discriminator <code>" << escape(v.source)
      << "</code>; each picture's score is the mean of its output map (higher: judged more like "
         "the style).</p><table><tr><th>set</th><th>pictures</th><th>mean</th><th>std</th>"
         "<th>mean sigmoid</th></tr>";
    for (const auto& s : v.sets)
      h << "<tr><td>" << escape(s.label) << "</td><td>" << s.scores.size() << "</td><td>"
        << number(s.mean) << "</td><td>" << number(s.stddev) << "</td><td>"
        << number(s.mean_probability) << "</td></tr>";
    h << "</table>" << histogram_svg(v);
    if (!verdict_jpeg.empty())
      h << "<p>What it saw, per set, from the picture it found most like the style to the least "
           "(score under each):</p><img class='grid' alt='pictures by discriminator score' "
           "src='data:image/jpeg;base64,"
        << base64(verdict_jpeg) << "'>";
  }

  bool any_swd = false;
  for (const auto& m : ev.models) any_swd = any_swd || !m.swd_per_level.empty();
  if (any_swd) {
    h << "<h2>SWD per pyramid level (x1e3)</h2><table><tr><th>model</th>";
    for (auto r : ev.models.front().swd_resolutions) h << "<th>" << r << " px</th>";
    h << "</tr>";
    for (const auto& m : ev.models) {
      h << "<tr><td>" << escape(m.name) << "</td>";
      for (double d : m.swd_per_level) h << "<td>" << number(d) << "</td>";
      h << "</tr>";
    }
    h << "</table>";
  }
  if (!ev.notes.empty()) {
    h << "<h2>Notes</h2><ul>";
    for (const auto& n : ev.notes) h << "<li class='note'>" << escape(n) << "</li>";
    h << "</ul>";
  }
  h << "</body></html>\n";
  return h.str();
}

}  // namespace comicgan::eval
