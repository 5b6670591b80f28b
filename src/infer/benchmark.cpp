#include "infer/benchmark.h"

#include <sys/resource.h>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

#include "comicgan/error.h"
#include "infer/stylizer.h"

namespace comicgan::infer {
namespace {

using Clock = std::chrono::steady_clock;

// Linux keeps a resettable high-water mark: writing 5 to clear_refs resets VmHWM.
void reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (f) f << "5";
}

double peak_rss_mib() {
  std::ifstream f("/proc/self/status");
  std::string key;
  while (f >> key) {
    if (key == "VmHWM:") {
      double kb = 0;
      f >> kb;
      return kb / 1024.0;
    }
    f.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

// CPU seconds of all threads of this process: on a shared, busy machine the wall clock
// measures the neighbours; CPU time (with one thread, where nobody spin-waits) does not.
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Timing {
  double wall = std::numeric_limits<double>::infinity(),
         cpu = std::numeric_limits<double>::infinity();
  int runs = 0;
};

// Best times over at least `min_runs` runs after a warm-up, and at least `min_seconds` spent.
template <typename F>
Timing best_time(const BenchOptions& o, F&& run) {
  run();
  Timing best;
  double spent = 0;
  while (best.runs < o.min_runs || spent < o.min_seconds) {
    auto t = Clock::now();
    double c = process_cpu_seconds();
    run();
    double s = std::chrono::duration<double>(Clock::now() - t).count();
    best.cpu = std::min(best.cpu, process_cpu_seconds() - c);
    best.wall = std::min(best.wall, s);
    spent += s;
    if (++best.runs >= 50) break;
  }
  return best;
}

at::ScalarType dtype_of(const std::string& precision) {
  check_option(precision == "fp32" || precision == "bf16", "precision",
               "must be fp32 or bf16, found ", precision);
  return precision == "bf16" ? at::kBFloat16 : at::kFloat;
}

const BenchRow* reference_row(const BenchReport& r, const BenchRow& row) {
  for (const auto& other : r.rows)
    if (other.engine == "reference" && other.width == row.width && other.height == row.height)
      return &other;
  return nullptr;
}

double peak_for(const BenchReport& r, const BenchRow& row) {
  return row.precision == "bf16" ? r.conv_peak_gflops_bf16 : r.conv_peak_gflops_fp32;
}

std::string row_text(const BenchReport& report, const BenchRow& row) {
  std::ostringstream o;
  double gflops = row.gflop / row.seconds;
  const BenchRow* ref = reference_row(report, row);
  std::ostringstream size;
  size << row.width << "x" << row.height;
  o << std::fixed << std::left << std::setw(10) << size.str() << std::setw(10) << row.engine
    << std::setw(5) << row.precision << std::right << std::setprecision(3) << std::setw(9)
    << row.seconds << std::setprecision(2) << std::setw(8) << row.cpu_seconds << std::setw(8)
    << 1.0 / row.seconds << std::setprecision(0) << std::setw(9) << gflops << std::setw(7)
    << 100.0 * gflops / peak_for(report, row) << std::setprecision(2) << std::setw(8)
    << (ref ? ref->seconds / row.seconds : 0.0) << std::setprecision(0) << std::setw(9)
    << row.peak_rss_mib;
  if (row.engine == "fast") {
    double t = std::max(row.layers.total(), 1e-12);
    o << "  " << std::setw(3) << 100 * row.layers.conv / t << "/" << std::setw(2)
      << 100 * row.layers.norm_act_pad / t << "/" << std::setw(2) << 100 * row.layers.upsample / t
      << "/" << std::setw(2) << 100 * row.layers.input_output / t;
  }
  if (row.precision == "bf16") o << std::setprecision(1) << "   " << row.psnr_vs_fp32 << " dB";
  for (const auto& c : row.layers.convolutions)
    o << "\n    " << std::left << std::setw(36) << c.what << std::right << std::setprecision(4)
      << std::setw(8) << c.seconds << " s" << std::setprecision(0) << std::setw(6)
      << c.gflop / c.seconds << " GFLOP/s";
  return o.str();
}

}  // namespace

double measure_conv_peak(at::ScalarType dtype) {
  c10::InferenceMode guard;
  auto cl = at::MemoryFormat::ChannelsLast;
  at::Tensor x = torch::randn({1, 128, 130, 130}).to(dtype).contiguous(cl);
  at::Tensor w = (torch::randn({128, 128, 3, 3}) * 0.03).to(dtype).contiguous(cl);
  const double flop = 2.0 * 128 * 128 * 128 * 128 * 9;
  BenchOptions o;
  o.min_runs = 5;
  o.min_seconds = 0.5;
  Timing t = best_time(o, [&] { at::conv2d(x, w); });
  return flop / t.wall / 1e9;
}

Image synthetic_photo(int width, int height, uint32_t seed) {
  Image img(width, height, 3);
  uint32_t state = seed * 2654435761u + 1;
  auto noise = [&] {
    return float((state = state * 1664525u + 1013904223u) >> 24) / 255.0f - 0.5f;
  };
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      float u = float(x) / float(std::max(1, width - 1)),
            v = float(y) / float(std::max(1, height - 1));
      float sky = 1.0f - v;
      float dx = u - 0.62f, dy = v - 0.58f;
      float blob = std::exp(-(dx * dx + dy * dy) * 18.0f);                   // a soft subject
      float building = (u > 0.12f && u < 0.34f && v > 0.35f) ? 1.0f : 0.0f;  // a hard edge
      float texture = 0.5f + 0.5f * std::sin(u * 40.0f) * std::sin(v * 33.0f);
      float rgb[3] = {90 + 120 * sky + 60 * blob - 50 * building + 12 * texture,
                      110 + 90 * sky + 40 * blob - 40 * building + 10 * texture,
                      150 + 90 * sky - 60 * blob - 20 * building + 8 * texture};
      for (int c = 0; c < 3; ++c)
        img.pixels[(size_t(y) * width + x) * 3 + c] =
            uint8_t(std::clamp(rgb[c] + 6.0f * noise(), 0.0f, 255.0f));
    }
  return img;
}

double psnr(const Image& a, const Image& b) {
  check(a.width == b.width && a.height == b.height && a.channels == b.channels && !a.empty(),
        "psnr: pictures differ in size");
  double se = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    double d = double(a.pixels[i]) - double(b.pixels[i]);
    se += d * d;
  }
  if (se == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(255.0 * 255.0 / (se / double(a.pixels.size())));
}

BenchReport run_bench(const std::shared_ptr<models::Generator>& generator,
                      const BenchOptions& options,
                      const std::function<void(const std::string&)>& progress) {
  BenchReport report;
  report.threads = at::get_num_threads();
  report.winograd = options.fast.winograd;
  report.conv_peak_gflops_fp32 = measure_conv_peak(at::kFloat);
  bool want_bf16 = std::find(options.precisions.begin(), options.precisions.end(), "bf16") !=
                   options.precisions.end();
  if (want_bf16) report.conv_peak_gflops_bf16 = measure_conv_peak(at::kBFloat16);
  generator->eval();
  for (auto [w, h] : options.sizes) {
    check(w >= 8 && h >= 8, "bench: sizes must be at least 8x8, found ", w, "x", h);
    at::Tensor photo = image_to_tensor(synthetic_photo(int(w), int(h), 1));
    for (const auto& precision : options.precisions) {
      FastGenerator fast(*generator, dtype_of(precision), options.fast);
      report.conv_backend = fast.conv_backend();
      BenchRow row;
      row.engine = "fast";
      row.precision = precision;
      row.width = w;
      row.height = h;
      row.gflop = fast.flops(h, w) / 1e9;
      reset_peak_rss();
      Timing t = best_time(options, [&] { fast.forward(photo); });
      row.seconds = t.wall;
      row.cpu_seconds = t.cpu;
      row.runs = t.runs;
      row.peak_rss_mib = peak_rss_mib();
      fast.forward(photo, &row.layers);
      if (!options.per_convolution) row.layers.convolutions.clear();
      if (precision == "bf16") {
        Image in = synthetic_photo(int(w), int(h), 1);
        Stylizer s32(generator, {"cpu", "fp32", "fast", 0, options.fast});
        Stylizer s16(generator, {"cpu", "bf16", "fast", 0, options.fast});
        row.psnr_vs_fp32 = psnr(s32.stylize(in), s16.stylize(in));
      }
      report.rows.push_back(row);
      if (progress) progress(row_text(report, row));
    }
    if (options.reference) {
      BenchRow row;
      row.engine = "reference";
      row.precision = "fp32";
      row.width = w;
      row.height = h;
      row.gflop = FastGenerator(*generator, at::kFloat).flops(h, w) / 1e9;
      reset_peak_rss();
      Timing t = best_time(options, [&] {
        c10::InferenceMode guard;
        generator->forward(photo);
      });
      row.seconds = t.wall;
      row.cpu_seconds = t.cpu;
      row.runs = t.runs;
      row.peak_rss_mib = peak_rss_mib();
      report.rows.push_back(row);
      if (progress) progress(row_text(report, row));
    }
  }
  return report;
}

nlohmann::json BenchReport::to_json() const {
  nlohmann::json j = {
      {"threads", threads},
      {"conv_backend", conv_backend},
      {"winograd", winograd},
      {"conv_peak_gflops", {{"fp32", conv_peak_gflops_fp32}, {"bf16", conv_peak_gflops_bf16}}},
      {"rows", nlohmann::json::array()}};
  for (const auto& row : rows) {
    nlohmann::json r = {
        {"engine", row.engine},
        {"precision", row.precision},
        {"width", row.width},
        {"height", row.height},
        {"runs", row.runs},
        {"seconds", row.seconds},
        {"cpu_seconds", row.cpu_seconds},
        {"images_per_s", 1.0 / row.seconds},
        {"gflop", row.gflop},
        {"gflops", row.gflop / row.seconds},
        {"percent_of_conv_peak", 100.0 * row.gflop / row.seconds / peak_for(*this, row)},
        {"peak_rss_mib", row.peak_rss_mib}};
    if (const BenchRow* ref = reference_row(*this, row))
      r["speedup_vs_reference"] = ref->seconds / row.seconds;
    if (row.engine == "fast")
      r["seconds_per_layer_type"] = {{"conv", row.layers.conv},
                                     {"norm_act_pad", row.layers.norm_act_pad},
                                     {"upsample", row.layers.upsample},
                                     {"input_output", row.layers.input_output}};
    if (row.precision == "bf16") r["psnr_vs_fp32_db"] = row.psnr_vs_fp32;
    j["rows"].push_back(r);
  }
  return j;
}

std::string BenchReport::to_text() const {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << "threads " << threads << ", conv peak "
    << conv_peak_gflops_fp32 << " GFLOP/s fp32";
  if (conv_peak_gflops_bf16 > 0) o << ", " << conv_peak_gflops_bf16 << " GFLOP/s bf16";
  if (!conv_backend.empty())
    o << ", fast rows: " << conv_backend
      << (conv_backend == "dnnl" ? (winograd ? " (Winograd allowed)" : " (no Winograd)") : "");
  o << "\n"
    << std::left << std::setw(10) << "size" << std::setw(10) << "engine" << std::setw(5) << "prec"
    << std::right << std::setw(9) << "s/img" << std::setw(8) << "cpu s" << std::setw(8) << "img/s"
    << std::setw(9) << "GFLOP/s" << std::setw(7) << "%peak" << std::setw(8) << "x ref"
    << std::setw(9) << "RSS MiB"
    << "  conv/norm/up/io %   PSNR\n";
  for (const auto& row : rows) o << row_text(*this, row) << "\n";
  return o.str();
}

}  // namespace comicgan::infer
