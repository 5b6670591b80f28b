// metrics.json, grid.png, the text summary, and writing the report folder.
#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "comicgan/error.h"
#include "eval/report.h"
#include "io/atomic_file.h"
#include "io/image_io.h"
#include "io/image_mat.h"

namespace comicgan::eval {
namespace {

const char* better_name(Better b) {
  return b == Better::lower ? "lower" : b == Better::higher ? "higher" : "none";
}

std::string ascii_only(const std::string& s, size_t max_len) {
  std::string out;
  for (char c : s)
    if (c >= 32 && c < 127 && out.size() < max_len) out += c;
  return out;
}

}  // namespace

std::vector<std::pair<std::string, int>> best_per_row(const Evaluation& ev) {
  std::vector<std::pair<std::string, int>> rows;
  for (const auto& model : ev.models)
    for (const auto& m : model.metrics) {
      bool seen = false;
      for (const auto& r : rows) seen = seen || r.first == m.key;
      if (!seen) rows.emplace_back(m.key, -1);
    }
  for (auto& [key, best] : rows) {
    int with_value = 0;
    bool all_equal = true;
    const Metric* first = nullptr;
    for (size_t i = 0; i < ev.models.size(); ++i) {
      const Metric* m = find_metric(ev.models[i], key);
      if (!m || m->better == Better::none) continue;
      ++with_value;
      if (!first) first = m;
      all_equal = all_equal && m->value == first->value;
      const Metric* b = best >= 0 ? find_metric(ev.models[size_t(best)], key) : nullptr;
      if (!b || (m->better == Better::lower ? m->value < b->value : m->value > b->value))
        best = int(i);
    }
    if (with_value < 2 || all_equal) best = -1;
  }
  return rows;
}

nlohmann::json metrics_json(const Evaluation& ev) {
  const auto& o = ev.options;
  nlohmann::json j;
  j["format"] = "comicgan-eval/1";
  j["settings"] = {{"photos", o.photos},
                   {"style", o.style},
                   {"side", o.side},
                   {"max_images", o.max_images},
                   {"discriminator", o.discriminator},
                   {"inception", o.inception},
                   {"device", o.device},
                   {"seed", o.seed}};
  j["photos"] = ev.photos.names;
  j["style_pictures"] = ev.style.images.size();
  j["models"] = nlohmann::json::array();
  for (const auto& model : ev.models) {
    nlohmann::json m = {{"name", model.name}, {"source", model.source}};
    for (const auto& metric : model.metrics)
      m["metrics"][metric.key] = {{"value", metric.value},
                                  {"label", metric.label},
                                  {"better", better_name(metric.better)},
                                  {"network", metric.network},
                                  {"detail", metric.detail}};
    for (size_t i = 0; i < model.swd_per_level.size(); ++i)
      m["swd_per_level"].push_back(
          {{"resolution", model.swd_resolutions[i]}, {"swd_x1e3", model.swd_per_level[i]}});
    j["models"].push_back(m);
  }
  for (const auto& [key, best] : best_per_row(ev))
    j["best"][key] = best >= 0 ? nlohmann::json(ev.models[size_t(best)].name) : nlohmann::json();
  if (ev.verdict) {
    auto& d = j["discriminator"];
    d["source"] = ev.verdict->source;
    d["bin_edges"] = ev.verdict->bin_edges;
    for (const auto& s : ev.verdict->sets)
      d["sets"].push_back({{"label", s.label},
                           {"mean", s.mean},
                           {"stddev", s.stddev},
                           {"mean_sigmoid", s.mean_probability},
                           {"histogram", s.histogram},
                           {"scores", s.scores}});
  }
  j["notes"] = ev.notes;
  return j;
}

Image comparison_grid(const Evaluation& ev, int cell, int max_rows) {
  const int rows = int(std::min<size_t>(ev.photos.images.size(), size_t(max_rows)));
  const int nearest = ev.nearest_style.empty() ? 0 : int(ev.nearest_style.front().size());
  const int cols = 1 + int(ev.models.size()) + nearest;
  const int header = 28, gap = 4;
  cv::Mat canvas(header + rows * (cell + gap), cols * (cell + gap), CV_8UC3,
                 cv::Scalar(255, 255, 255));
  std::vector<std::string> titles{"photo"};
  for (const auto& m : ev.models) titles.push_back(m.name);
  for (int k = 0; k < nearest; ++k) titles.push_back("style #" + std::to_string(k + 1));
  for (int c = 0; c < cols; ++c)
    cv::putText(canvas, ascii_only(titles[size_t(c)], size_t(cell / 9)),
                cv::Point(c * (cell + gap) + 4, header - 9), cv::FONT_HERSHEY_SIMPLEX, 0.45,
                cv::Scalar(40, 40, 40), 1, cv::LINE_AA);
  auto place = [&](const Image& image, int r, int c) {
    cv::Mat bgr = io::image_to_bgr_mat(image), small;
    cv::resize(bgr, small, cv::Size(cell, cell), 0, 0, cv::INTER_AREA);
    small.copyTo(canvas(cv::Rect(c * (cell + gap), header + r * (cell + gap), cell, cell)));
  };
  for (int r = 0; r < rows; ++r) {
    place(ev.photos.images[size_t(r)], r, 0);
    for (size_t m = 0; m < ev.models.size(); ++m)
      place(ev.models[m].outputs[size_t(r)], r, 1 + int(m));
    for (int k = 0; k < nearest; ++k)
      place(ev.style.images[size_t(ev.nearest_style[size_t(r)][size_t(k)])], r,
            1 + int(ev.models.size()) + k);
  }
  return io::bgr_mat_to_image(canvas);
}

Image verdict_grid(const Evaluation& ev, int cell, int per_row) {
  check(ev.verdict.has_value(), "verdict_grid: the evaluation has no discriminator verdict");
  check(cell >= 16 && per_row >= 2, "verdict_grid: cell must be >= 16 and per_row >= 2");
  const auto& sets = ev.verdict->sets;
  const int title = 22, caption = 18, gap = 4, row_height = title + cell + caption + gap;
  cv::Mat canvas(int(sets.size()) * row_height, per_row * (cell + gap), CV_8UC3,
                 cv::Scalar(255, 255, 255));
  for (size_t s = 0; s < sets.size(); ++s) {
    const auto& scores = sets[s].scores;
    const auto& pictures = verdict_pictures(ev, s);
    std::vector<size_t> order(scores.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    const int top = int(s) * row_height;
    cv::putText(canvas,
                ascii_only(sets[s].label + ": highest score to lowest", size_t(per_row * cell / 8)),
                cv::Point(4, top + title - 7), cv::FONT_HERSHEY_SIMPLEX, 0.45,
                cv::Scalar(40, 40, 40), 1, cv::LINE_AA);
    const size_t shown = std::min(order.size(), size_t(per_row));
    for (size_t c = 0; c < shown; ++c) {
      // Evenly spaced ranks, so the best and the worst picture are always shown.
      size_t rank = shown < 2 ? 0 : c * (order.size() - 1) / (shown - 1);
      size_t index = order[rank];
      cv::Mat bgr = io::image_to_bgr_mat(pictures[index]), small;
      cv::resize(bgr, small, cv::Size(cell, cell), 0, 0, cv::INTER_AREA);
      const int x = int(c) * (cell + gap);
      small.copyTo(canvas(cv::Rect(x, top + title, cell, cell)));
      std::ostringstream label;
      label << std::setprecision(3) << scores[index];
      cv::putText(canvas, label.str(), cv::Point(x + 2, top + title + cell + caption - 5),
                  cv::FONT_HERSHEY_SIMPLEX, 0.4, cv::Scalar(40, 40, 40), 1, cv::LINE_AA);
    }
  }
  return io::bgr_mat_to_image(canvas);
}

std::string summary_text(const Evaluation& ev, const std::string& report_folder) {
  std::ostringstream out;
  out << "comicgan eval: " << ev.photos.images.size() << " photos";
  if (!ev.style.images.empty()) out << ", " << ev.style.images.size() << " style pictures";
  out << ", at " << ev.options.side << "x" << ev.options.side << "\n";
  const int label_width = 46, value_width = 14;
  out << std::left << std::setw(label_width) << "";
  for (const auto& m : ev.models)
    out << std::right << std::setw(value_width) << ascii_only(m.name, 13);
  out << "\n";
  for (const auto& [key, best] : best_per_row(ev)) {
    const Metric* any = nullptr;
    for (const auto& m : ev.models) any = any ? any : find_metric(m, key);
    std::string arrow = any->better == Better::lower    ? " (lower)"
                        : any->better == Better::higher ? " (higher)"
                                                        : "";
    out << std::left << std::setw(label_width) << ascii_only(any->label + arrow, label_width - 1);
    for (size_t i = 0; i < ev.models.size(); ++i) {
      const Metric* m = find_metric(ev.models[i], key);
      std::ostringstream v;
      if (m)
        v << std::setprecision(4) << m->value << (int(i) == best ? " *" : "  ");
      else
        v << "-  ";
      out << std::right << std::setw(value_width) << v.str();
    }
    out << "\n";
  }
  if (ev.verdict) {
    out << "discriminator mean score:";
    for (const auto& s : ev.verdict->sets)
      out << "  " << ascii_only(s.label, 30) << " " << std::setprecision(3) << s.mean;
    out << "\n";
  }
  if (ev.models.size() > 1) out << "* best of the models compared\n";
  // Names the columns cut short, in full.
  for (size_t i = 0; i < ev.models.size(); ++i)
    if (ascii_only(ev.models[i].name, 13) != ev.models[i].name)
      out << "column " << i + 1 << ": " << ev.models[i].name << "\n";
  for (const auto& note : ev.notes) out << "note: " << note << "\n";
  out << "report: " << (std::filesystem::path(report_folder) / "index.html").string() << "\n";
  return out.str();
}

void write_report(const Evaluation& ev, const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  check(!ec, folder, ": cannot create the report folder: ", ec.message());
  Image grid = comparison_grid(ev);
  io::write_image((fs::path(folder) / "grid.png").string(), grid);
  io::WriteOptions jpeg;
  jpeg.jpeg_quality = 90;
  io::write_file_atomically((fs::path(folder) / "metrics.json").string(),
                            metrics_json(ev).dump(2) + "\n");
  std::string verdict_jpeg = ev.verdict ? io::encode_image(verdict_grid(ev), "jpg", jpeg) : "";
  io::write_file_atomically((fs::path(folder) / "index.html").string(),
                            report_html(ev, io::encode_image(grid, "jpg", jpeg), verdict_jpeg));
}

}  // namespace comicgan::eval
