// comicgan bench: how fast this machine stylizes, against the plain LibTorch module path;
// with --video (media builds), frames/s of the whole video pipeline, per frame and with
// --consistency flow.
#include <torch/torch.h>

#include <cmath>
#include <iostream>
#include <sstream>

#include "comicgan/error.h"
#include "command.h"
#include "infer/benchmark.h"
#include "io/model_file.h"
#include "models/model_store.h"
#ifdef COMICGAN_WITH_MEDIA
#include "infer/stylizer.h"
#include "video/motion_clip.h"
#include "video/video_bench.h"
#endif

namespace comicgan::cli {
namespace {

struct BenchArgs {
  std::string model, architecture = "animegan2", sizes = "256x256,512x512,1280x720,1920x1080",
                     precision = "fp32";
  bool json = false, no_reference = false, per_convolution = false, video = false;
  std::string conv = "dnnl";
  bool no_winograd = false;
  double min_seconds = 2.0;
  std::string write_model, write_motion_clip;
  std::vector<std::string> photos;
  int video_frames = 48;
  RuntimeFlags runtime;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

std::vector<std::pair<int64_t, int64_t>> parse_sizes(const std::string& list) {
  std::vector<std::pair<int64_t, int64_t>> sizes;
  for (const auto& item : split(list, ',')) {
    auto wh = split(item, 'x');
    check(wh.size() == 2, "--sizes: expected WIDTHxHEIGHT items, found '", item, "'");
    try {
      sizes.emplace_back(std::stoll(wh[0]), std::stoll(wh[1]));
    } catch (const std::exception&) {
      fail("--sizes: expected WIDTHxHEIGHT items, found '", item, "'");
    }
  }
  check(!sizes.empty(), "--sizes: no size given");
  return sizes;
}

infer::FastPathOptions fast_path_options(const BenchArgs& a) {
  infer::FastPathOptions fast;
  fast.conv =
      a.conv == "aten" ? infer::FastPathOptions::Conv::kAten : infer::FastPathOptions::Conv::kDnnl;
  fast.winograd = !a.no_winograd;
  return fast;
}

#ifdef COMICGAN_WITH_MEDIA
// Decode, stylize, encode (and copy audio) a synthetic clip with motion at each size, once per
// frame and once with --consistency flow, so the cost of the flicker filter shows beside its
// effect.
int run_video_bench(const BenchArgs& a, const std::vector<std::pair<int64_t, int64_t>>& sizes,
                    std::shared_ptr<models::Generator> generator) {
  check(a.precision.find(',') == std::string::npos, "bench --video takes one --precision");
  infer::Stylizer stylizer(std::move(generator),
                           {a.runtime.device, a.precision, "auto", 0, fast_path_options(a)});
  auto stylize = [&](const at::Tensor& x) { return stylizer.forward(x); };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& [w, h] : sizes) {
    video::VideoBenchResult result[2];
    for (bool consistency : {false, true}) {
      video::VideoBenchOptions options;
      options.width = int(w);
      options.height = int(h);
      options.frames = a.video_frames;
      options.consistency = consistency;
      result[consistency] = video::measure_video_throughput(stylize, options);
      if (!a.json)
        std::cout << video::format_video_bench(result[consistency], consistency) << std::endl;
    }
    double extra_time = result[1].seconds / result[0].seconds - 1;
    double lower_error = 1 - result[1].warping_error / result[0].warping_error;
    if (!a.json)
      std::cout << "  flow: " << int(std::lround(100 * extra_time))
                << "% extra time, warping error " << int(std::lround(100 * lower_error))
                << "% lower\n";
    for (bool consistency : {false, true})
      rows.push_back({{"width", w},
                      {"height", h},
                      {"frames", result[consistency].frames},
                      {"consistency", consistency ? "flow" : "off"},
                      {"seconds", result[consistency].seconds},
                      {"frames_per_second", result[consistency].frames_per_second},
                      {"warping_error", result[consistency].warping_error},
                      {"input_warping_error", result[consistency].input_warping_error}});
  }
  if (a.json) std::cout << nlohmann::json{{"video", rows}}.dump(2) << "\n";
  return 0;
}
#endif

Command bench_command(
    "bench", "Measure stylizing speed on this machine (fast path vs the plain LibTorch module)",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<BenchArgs>();
      app.add_option("-m,--model", a->model,
                     "model file or shipped name; default: the default model, or random weights "
                     "of --architecture when this build ships none");
      app.add_option("--architecture", a->architecture, "architecture for random weights")
          ->capture_default_str();
      app.add_option("--sizes", a->sizes, "WIDTHxHEIGHT list")->capture_default_str();
      app.add_option("--precision", a->precision, "fp32, bf16 or fp32,bf16")->capture_default_str();
      app.add_option("--min-seconds", a->min_seconds,
                     "time spent per row at least (best run is reported)")
          ->capture_default_str();
      app.add_flag("--no-reference", a->no_reference, "skip the plain module rows");
      app.add_flag("--json", a->json, "print JSON instead of a table");
      app.add_flag("--per-convolution", a->per_convolution, "also list every convolution's time");
      app.add_option("--conv", a->conv,
                     "the fast path's convolutions: dnnl (oneDNN called directly, where this "
                     "build has it) or aten (at::conv2d), to compare them")
          ->check(CLI::IsMember({"dnnl", "aten"}))
          ->capture_default_str();
      app.add_flag("--no-winograd", a->no_winograd,
                   "direct oneDNN convolutions only (no Winograd for fp32 3x3), to compare");
      app.add_option("--write-random-model", a->write_model,
                     "only write the random-weights model of --architecture to this .cgm file (for "
                     "measuring `comicgan stylize` before a trained model exists)");
#ifdef COMICGAN_WITH_MEDIA
      app.add_flag("--video", a->video,
                   "measure the video pipeline (decode, stylize, encode) in frames/s instead; "
                   "--sizes defaults to 640x360,1280x720");
      app.add_option("--video-frames", a->video_frames,
                     "frames of the synthetic clip per --video row")
          ->check(CLI::Range(2, 100000))
          ->capture_default_str();
      app.add_option("--write-motion-clip", a->write_motion_clip,
                     "only write a clip of --video-frames frames at the first --sizes (default "
                     "640x360) filmed over --photos: a slow pan and zoom with hand-held shake per "
                     "photo, a cut between photos (real imagery with camera motion, for measuring "
                     "flicker with `comicgan stylize` and `comicgan eval video`)");
      app.add_option("--photos", a->photos, "the photos --write-motion-clip films, in order");
#endif
      add_runtime_flags(app, a->runtime);
      CLI::Option* sizes_option = app.get_option("--sizes");
      return [a, sizes_option]() {
        apply_runtime_flags(a->runtime);
        if (!a->write_model.empty()) {
          torch::manual_seed(0);
          auto g = models::make_generator(a->architecture);
          io::write_model_file(
              a->write_model,
              models::generator_model_file(
                  a->architecture, *g, "random-" + a->architecture,
                  {{"source", "comicgan bench --write-random-model (random weights, seed 0)"}}));
          std::cout << "wrote " << a->write_model << "\n";
          return 0;
        }
        if ((a->video || !a->write_motion_clip.empty()) && sizes_option->count() == 0)
          a->sizes = "640x360,1280x720";
#ifdef COMICGAN_WITH_MEDIA
        if (!a->write_motion_clip.empty()) {
          check(!a->photos.empty(), "--write-motion-clip needs --photos");
          video::MotionClip clip;
          auto [width, height] = parse_sizes(a->sizes).front();
          clip.width = int(width);
          clip.height = int(height);
          clip.frames = a->video_frames;
          video::write_motion_clip(a->write_motion_clip, a->photos, clip);
          std::cout << "wrote " << a->write_motion_clip << "\n";
          return 0;
        }
#endif
        check(a->runtime.device == "cpu", "bench measures the CPU; --device ", a->runtime.device,
              " is not supported here");
        infer::BenchOptions options;
        options.sizes = parse_sizes(a->sizes);
        options.precisions = split(a->precision, ',');
        options.reference = !a->no_reference;
        options.min_seconds = a->min_seconds;
        options.per_convolution = a->per_convolution;
        options.fast = fast_path_options(*a);
        std::shared_ptr<models::Generator> generator;
        std::string label;
        if (!a->model.empty() || !models::default_model_name().empty()) {
          auto loaded = models::load_model(a->model);
          generator = loaded.generator;
          label = loaded.source;
        } else {
          torch::manual_seed(0);
          generator = models::make_generator(a->architecture);
          label = a->architecture + " (random weights)";
        }
        if (!a->json) std::cout << "model: " << label << "\n";
#ifdef COMICGAN_WITH_MEDIA
        if (a->video) return run_video_bench(*a, options.sizes, generator);
#endif
        auto report = infer::run_bench(generator, options, [&](const std::string& line) {
          if (!a->json) std::cout << line << std::endl;
        });
        if (a->json) {
          auto j = report.to_json();
          j["model"] = label;
          std::cout << j.dump(2) << "\n";
        } else {
          std::cout << "\n" << report.to_text();
        }
        return 0;
      };
    },
    40);

}  // namespace
}  // namespace comicgan::cli
