// What `comicgan bench` measures: the fast path per input size and precision (seconds per
// image, GFLOP/s, percent of a convolution peak measured on this machine, peak RSS, time per
// layer type, bf16 error vs fp32) next to the plain LibTorch NCHW module, so every figure is
// also a ratio. Speed lives here and in bench/RESULTS.md, never in unit tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "comicgan/image.h"
#include "infer/fast_generator.h"
#include "models/generator.h"

namespace comicgan::infer {

struct BenchOptions {
  std::vector<std::pair<int64_t, int64_t>> sizes = {
      {256, 256}, {512, 512}, {1280, 720}, {1920, 1080}};
  std::vector<std::string> precisions = {"fp32"};
  bool reference = true;         // also time the plain module (fp32, NCHW)
  int min_runs = 2;              // timed runs after one warm-up, at least
  double min_seconds = 2.0;      // ... and until this much time was spent per row
  bool per_convolution = false;  // also report every convolution's time (fast rows)
  FastPathOptions fast;          // how the fast rows compute their convolutions
};

struct BenchRow {
  std::string engine;     // fast or reference
  std::string precision;  // fp32 or bf16
  int64_t width = 0, height = 0;
  int runs = 0;
  double seconds = 0;      // best run, wall clock
  double cpu_seconds = 0;  // best run, CPU time of all threads
  double gflop = 0;
  double peak_rss_mib = 0;
  LayerTimes layers;        // per image, fast engine only
  double psnr_vs_fp32 = 0;  // bf16 rows: 8-bit output vs the fp32 fast path, on a synthetic photo
};

struct BenchReport {
  int threads = 0;
  std::string conv_backend;  // the fast rows': "dnnl" or "aten"
  bool winograd = false;     // ... with Winograd allowed
  double conv_peak_gflops_fp32 = 0, conv_peak_gflops_bf16 = 0;
  std::vector<BenchRow> rows;

  nlohmann::json to_json() const;
  std::string to_text() const;
};

BenchReport run_bench(const std::shared_ptr<models::Generator>& generator,
                      const BenchOptions& options,
                      const std::function<void(const std::string&)>& progress = {});

// GFLOP/s of one oneDNN 3x3 convolution (128 -> 128 channels, channels_last) at its best: the
// ceiling the generator's convolutions are compared with.
double measure_conv_peak(at::ScalarType dtype);

// A deterministic photo-like picture: smooth gradients, soft shapes, edges and mild noise.
Image synthetic_photo(int width, int height, uint32_t seed);
double psnr(const Image& a, const Image& b);  // dB over all channels; inf when equal

}  // namespace comicgan::infer
