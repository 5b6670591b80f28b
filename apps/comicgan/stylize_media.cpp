// comicgan stylize INPUT... -o OUT: pictures (files or folders) to comic / anime style.
#include <iostream>

#include "command.h"
#include "comicgan/error.h"
#include "infer/stylize_files.h"
#include "models/model_store.h"

namespace comicgan::cli {
namespace {

struct StylizeArgs {
  std::vector<std::string> inputs;
  std::string output, model, precision = "fp32", format, engine = "auto";
  float strength = 1.0f;
  int64_t max_pixels = io::ImageLimits{}.max_pixels;
  int64_t max_memory = 0;
  int quality = io::WriteOptions{}.jpeg_quality;
  RuntimeFlags runtime;
};

Command stylize_command(
    "stylize", "Turn photos (files or folders) into comic / anime style",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<StylizeArgs>();
      app.add_option("INPUT", a->inputs, "image files and/or folders")->required();
      app.add_option("-o,--output", a->output,
                     "output file (one image in) or folder (mirrors the inputs' relative names)")
          ->required();
      app.add_option("-m,--model", a->model, "model file (.cgm) or shipped model name (see 'comicgan models'); default: the default shipped model");
      app.add_option("-s,--strength", a->strength, "blend with the original: 1 = full style, 0 = unchanged")
          ->check(CLI::Range(0.0f, 1.0f))
          ->capture_default_str();
      app.add_option("--precision", a->precision, "fp32 or bf16")->capture_default_str();
      app.add_option("--engine", a->engine,
                     "fast (prepared CPU path), reference (plain LibTorch module) or auto (fast where it applies)")
          ->capture_default_str();
      app.add_option("--format", a->format, "output extension for folders (jpg, png, webp, bmp, tiff); default: keep each input's");
      app.add_option("--quality", a->quality, "JPEG/WebP quality")->check(CLI::Range(1, 100))->capture_default_str();
      app.add_option("--max-pixels", a->max_pixels, "refuse images larger than this many pixels, before decoding")
          ->capture_default_str();
      app.add_option("--max-memory", a->max_memory,
                     "peak memory to stay under, e.g. 3G or 1500M: larger pictures are stylized in tiles (0: no limit)")
          ->transform(CLI::AsSizeValue(false))
          ->capture_default_str();
      add_runtime_flags(app, a->runtime);
      return [a]() {
        apply_runtime_flags(a->runtime);
        auto model = models::load_model(a->model);
        infer::Stylizer stylizer(model.generator, {a->runtime.device, a->precision, a->engine, a->max_memory});
        infer::StylizeFilesJob job;
        job.inputs = a->inputs;
        job.output = a->output;
        job.strength = a->strength;
        job.format = a->format;
        job.limits.max_pixels = a->max_pixels;
        job.write.jpeg_quality = a->quality;
        auto report = infer::stylize_files(job, stylizer, [](const std::string& line) {
          std::cerr << line << "\n";
        });
        if (report.written + report.failed > 1 || report.failed)
          std::cerr << "stylized " << report.written << " file(s), " << report.failed
                    << " failed\n";
        return report.failed ? 1 : 0;
      };
    },
    10);

}  // namespace
}  // namespace comicgan::cli
