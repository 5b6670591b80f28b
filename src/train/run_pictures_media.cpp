#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "comicgan/error.h"
#include "io/image_io.h"
#include "io/image_mat.h"
#include "train/run_pictures.h"

namespace comicgan::train {
namespace fs = std::filesystem;

namespace {

// (3,H,W) in [-1,1] -> 8-bit RGB Image.
Image to_image(const at::Tensor& chw) {
  auto hwc = ((chw.detach().to(torch::kCPU, torch::kFloat).clamp(-1, 1) + 1) * 127.5)
                 .round()
                 .to(torch::kUInt8)
                 .permute({1, 2, 0})
                 .contiguous();
  Image image(int(hwc.size(1)), int(hwc.size(0)), 3);
  std::memcpy(image.pixels.data(), hwc.data_ptr<uint8_t>(), image.pixels.size());
  return image;
}

}  // namespace

void write_sample_grid(const std::string& path, const at::Tensor& photos,
                       const at::Tensor& generated) {
  check(photos.dim() == 4 && photos.sizes() == generated.sizes(),
        "sample grid: photos and generated images must have the same (N,3,H,W) shape");
  // Rows of [photo | generated], 4 px gaps: one tensor, then one conversion.
  const int64_t n = photos.size(0), h = photos.size(2), w = photos.size(3), gap = 4;
  auto grid = torch::ones({3, n * h + (n - 1) * gap, 2 * w + gap});
  for (int64_t i = 0; i < n; ++i) {
    auto row = grid.narrow(1, i * (h + gap), h);
    row.narrow(2, 0, w).copy_(photos[i].to(torch::kCPU, torch::kFloat));
    row.narrow(2, w + gap, w).copy_(generated[i].to(torch::kCPU, torch::kFloat));
  }
  io::write_image(path, to_image(grid));
}

void write_loss_curve(const std::string& metrics_path, const std::string& png_path) {
  std::map<std::string, std::vector<std::pair<double, double>>> series;
  std::ifstream in(metrics_path);
  std::string line;
  const std::vector<std::string> wanted = {"init_content", "g_total", "g_adv", "content",
                                           "style",        "color",   "tv",    "d_total"};
  while (std::getline(in, line)) {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      continue;
    }
    for (const auto& key : wanted)
      if (j.contains(key) && j[key].is_number())
        series[key].emplace_back(j["step"].get<double>(), j[key].get<double>());
  }
  const int width = 900, height = 500, left = 60, right = 180, top = 30, bottom = 40;
  cv::Mat canvas(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  double max_step = 1;
  for (auto& [key, points] : series)
    for (auto& p : points) max_step = std::max(max_step, p.first);
  cv::rectangle(canvas, {left, top}, {width - right, height - bottom}, cv::Scalar(0, 0, 0));
  cv::putText(canvas, "step 0", {left, height - bottom + 20}, cv::FONT_HERSHEY_SIMPLEX, 0.45,
              cv::Scalar(0, 0, 0));
  cv::putText(canvas, "step " + std::to_string(int64_t(max_step)),
              {width - right - 90, height - bottom + 20}, cv::FONT_HERSHEY_SIMPLEX, 0.45,
              cv::Scalar(0, 0, 0));
  cv::putText(canvas, "losses (each scaled to its own min..max)", {left, top - 10},
              cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 0, 0));
  const cv::Scalar colours[] = {{31, 119, 180},  {14, 127, 255}, {44, 160, 44},   {40, 39, 214},
                                {189, 103, 148}, {75, 86, 140},  {194, 119, 227}, {0, 0, 0}};
  int index = 0;
  for (const auto& key : wanted) {
    auto it = series.find(key);
    if (it == series.end() || it->second.empty()) continue;
    const auto& points = it->second;
    double lo = points[0].second, hi = lo;
    for (auto& p : points) lo = std::min(lo, p.second), hi = std::max(hi, p.second);
    const double span = hi > lo ? hi - lo : 1.0;
    const cv::Scalar colour = colours[index % 8];
    std::vector<cv::Point> poly;
    for (auto& p : points)
      poly.emplace_back(left + int((width - left - right) * p.first / max_step),
                        height - bottom - int((height - top - bottom) * (p.second - lo) / span));
    cv::polylines(canvas, poly, false, colour, 1, cv::LINE_AA);
    char label[96];
    std::snprintf(label, sizeof label, "%s %.3g..%.3g", key.c_str(), lo, hi);
    cv::putText(canvas, label, {width - right + 8, top + 15 + 18 * index}, cv::FONT_HERSHEY_SIMPLEX,
                0.42, colour, 1, cv::LINE_AA);
    ++index;
  }
  io::write_image(png_path, io::bgr_mat_to_image(canvas));
}

at::Tensor load_sample_photos(const std::string& dir, int64_t size, int64_t max_count) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec))
    if (entry.is_regular_file() && io::is_image_path(entry.path().string()))
      paths.push_back(entry.path().string());
  check(!ec, dir, ": cannot list the folder (", ec.message(), ")");
  std::sort(paths.begin(), paths.end());
  std::vector<at::Tensor> photos;
  for (const auto& path : paths) {
    if (int64_t(photos.size()) >= max_count) break;
    Image image;
    try {
      image = io::read_image(path);
    } catch (const Error&) {
      continue;  // the data validation reports unreadable files; samples just skip them
    }
    cv::Mat bgr = io::image_to_bgr_mat(image);
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    const int side = std::min(bgr.cols, bgr.rows);
    cv::Mat square = bgr(cv::Rect((bgr.cols - side) / 2, (bgr.rows - side) / 2, side, side));
    cv::Mat resized;
    cv::resize(square, resized, cv::Size(int(size), int(size)), 0, 0, cv::INTER_AREA);
    cv::cvtColor(resized, resized, cv::COLOR_BGR2RGB);
    auto t = torch::from_blob(resized.data, {size, size, 3}, torch::kUInt8)
                 .permute({2, 0, 1})
                 .to(torch::kFloat)
                 .div(127.5)
                 .sub(1)
                 .clone();
    photos.push_back(t);
  }
  check(!photos.empty(), dir, ": no readable image for training samples");
  return torch::stack(photos);
}

}  // namespace comicgan::train
