// comicgan bench: how fast this machine stylizes, against the plain LibTorch module path.
#include <torch/torch.h>

#include <iostream>
#include <sstream>

#include "command.h"
#include "comicgan/error.h"
#include "infer/benchmark.h"
#include "io/model_file.h"
#include "models/model_store.h"

namespace comicgan::cli {
namespace {

struct BenchArgs {
  std::string model, architecture = "animegan2", sizes = "256x256,512x512,1280x720,1920x1080",
                     precision = "fp32";
  bool json = false, no_reference = false, per_convolution = false;
  double min_seconds = 2.0;
  std::string write_model;
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
      app.add_option("--min-seconds", a->min_seconds, "time spent per row at least (best run is reported)")
          ->capture_default_str();
      app.add_flag("--no-reference", a->no_reference, "skip the plain module rows");
      app.add_flag("--json", a->json, "print JSON instead of a table");
      app.add_flag("--per-convolution", a->per_convolution, "also list every convolution's time");
      app.add_option("--write-random-model", a->write_model,
                     "only write the random-weights model of --architecture to this .cgm file (for "
                     "measuring `comicgan stylize` before a trained model exists)");
      add_runtime_flags(app, a->runtime);
      return [a]() {
        apply_runtime_flags(a->runtime);
        if (!a->write_model.empty()) {
          torch::manual_seed(0);
          auto g = models::make_generator(a->architecture);
          io::ModelFile file;
          file.meta = {{"architecture", a->architecture}, {"options", g->options()},
                       {"name", "random-" + a->architecture},
                       {"provenance", {{"source", "comicgan bench --write-random-model (random weights, seed 0)"}}}};
          file.tensors = models::state_dict(*g);
          io::write_model_file(a->write_model, file);
          std::cout << "wrote " << a->write_model << "\n";
          return 0;
        }
        check(a->runtime.device == "cpu", "bench measures the CPU; --device ", a->runtime.device,
              " is not supported here");
        infer::BenchOptions options;
        options.sizes = parse_sizes(a->sizes);
        options.precisions = split(a->precision, ',');
        options.reference = !a->no_reference;
        options.min_seconds = a->min_seconds;
        options.per_convolution = a->per_convolution;
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
