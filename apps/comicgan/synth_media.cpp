// comicgan synth --photos INPUT... -o OUT: the classical (no model) comic renderer over files and
// folders, to synthesize style images for training and as the baseline models are judged by.
#include <filesystem>
#include <iostream>

#include "comicgan/error.h"
#include "command.h"
#include "data/comic_render_media.h"
#include "data/edge_preserving_media.h"
#include "data/panels_media.h"
#include "data/resize_media.h"
#include "infer/stylize_files.h"

namespace comicgan::cli {
namespace {

struct SynthArgs {
  std::vector<std::string> inputs;
  std::string output, look = "comic", format;
  int colors = 0, short_side = 0;
  std::string crop;  // WxH+X+Y
  float line_weight = 1.0f;
  uint64_t seed = data::ComicLook{}.seed;
  int64_t max_pixels = io::ImageLimits{}.max_pixels;
  int quality = io::WriteOptions{}.jpeg_quality;
  RuntimeFlags runtime;
};

data::PanelRect parse_crop(const std::string& text) {
  data::PanelRect r;
  char tail = 0;
  check(std::sscanf(text.c_str(), "%dx%d+%d+%d%c", &r.width, &r.height, &r.x, &r.y, &tail) == 4,
        "--crop: expected WIDTHxHEIGHT+X+Y, found '", text, "'");
  return r;
}

// "none" renders nothing: with --short-side it only shrinks, which is how data sets are made;
// "meanshift" is the edge-preserving filter the gallery shows beside the models.
Image synthesize(const Image& in, const SynthArgs& a) {
  Image small = data::shrink_to_short_side(a.crop.empty() ? in : data::crop(in, parse_crop(a.crop)),
                                           a.short_side);
  if (a.look == "none") return small;
  if (a.look == "meanshift") return data::mean_shift_filter(small);
  data::ComicLook look = data::comic_look(a.look);
  look.colors = a.colors;
  look.line_weight = a.line_weight;
  look.seed = a.seed;
  return data::render_comic(small, look);
}

Command synth_command(
    "synth", "Render photos (files or folders) as comics with the classical renderer (no model)",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<SynthArgs>();
      app.add_option("INPUT,-p,--photos", a->inputs, "image files and/or folders")->required();
      app.add_option("-o,--output", a->output,
                     "output file (one image in) or folder (mirrors the inputs' relative names)")
          ->required();
      app.add_option("--look", a->look,
                     "comic (flat colours, ink lines), manga (screentone, black and white), "
                     "cel (few flat tones, strong outlines), meanshift (an edge-preserving "
                     "filter, not a comic), or none (only --short-side / --crop)")
          ->check(CLI::IsMember({"comic", "manga", "cel", "meanshift", "none"}))
          ->capture_default_str();
      app.add_option("--colors", a->colors, "palette size for comic and cel; 0: the look's own")
          ->check(CLI::Range(0, 64))
          ->capture_default_str();
      app.add_option("--line-weight", a->line_weight, "ink line thickness; 0: no lines")
          ->check(CLI::Range(0.0f, 4.0f))
          ->capture_default_str();
      app.add_option("--seed", a->seed, "palette (k-means) seed")->capture_default_str();
      app.add_option("--short-side", a->short_side,
                     "first shrink each picture so its shorter side is this (0: keep the size)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      app.add_option(
          "--crop", a->crop,
          "first cut out this rectangle, WIDTHxHEIGHT+X+Y in pixels (e.g. 200x200+40+10)");
      app.add_option("--format", a->format,
                     "output extension for folders (jpg, png, webp, bmp, tiff); default: keep "
                     "each input's");
      app.add_option("--quality", a->quality, "JPEG/WebP quality")
          ->check(CLI::Range(1, 100))
          ->capture_default_str();
      app.add_option("--max-pixels", a->max_pixels,
                     "refuse images larger than this many pixels, before decoding")
          ->capture_default_str();
      add_runtime_flags(app, a->runtime);
      return [a]() {
        apply_runtime_flags(a->runtime);
        if (a->look != "none" && a->look != "meanshift") data::comic_look(a->look);  // fails early
        if (!a->crop.empty()) parse_crop(a->crop);
        infer::StylizeFilesJob job;  // only for its input -> output naming
        job.inputs = a->inputs;
        job.output = a->output;
        job.format = a->format;
        io::ImageLimits limits;
        limits.max_pixels = a->max_pixels;
        io::WriteOptions write;
        write.jpeg_quality = write.webp_quality = a->quality;
        const auto plan = infer::plan_outputs(job);
        check(!plan.empty(), "synth: no pictures (jpg, png, webp, bmp, tiff) found in the input");
        size_t written = 0, failed = 0;
        for (const auto& [in_path, out_path] : plan) {
          try {
            Image out = synthesize(io::read_image(in_path, limits), *a);
            auto parent = std::filesystem::path(out_path).parent_path();
            if (!parent.empty()) std::filesystem::create_directories(parent);
            io::write_image(out_path, out, write);
            ++written;
            std::cerr << in_path << " -> " << out_path << "\n";
          } catch (const std::exception& e) {
            ++failed;
            std::cerr << "failed: " << e.what() << "\n";
          }
        }
        if (plan.size() > 1 || failed)
          std::cerr << "synthesized " << written << " file(s), " << failed << " failed\n";
        return failed ? 1 : 0;
      };
    },
    40);

}  // namespace
}  // namespace comicgan::cli
