// comicgan panels PAGE... -o OUT_DIR: cuts comic pages (files or folders) into their panels,
// one picture per panel, to make a style set of pages that does not teach the white gutters.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "comicgan/error.h"
#include "command.h"
#include "data/panels_media.h"
#include "data/resize_media.h"
#include "infer/stylize_files.h"

namespace comicgan::cli {
namespace {

namespace fs = std::filesystem;

struct PanelArgs {
  std::vector<std::string> inputs;
  std::string output;
  data::PanelOptions panel;
  int short_side = 0;
  int quality = 92;
};

Command panels_command(
    "panels", "Cut comic pages (files or folders) into their panels, one picture each",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<PanelArgs>();
      app.add_option("PAGES", a->inputs, "page pictures and/or folders")->required();
      app.add_option("-o,--output", a->output, "folder for the panels (PAGE-pNN.jpg)")->required();
      app.add_option("--min-side", a->panel.min_side, "drop panels narrower or shorter than this")
          ->check(CLI::PositiveNumber)
          ->capture_default_str();
      app.add_option("--gutter-level", a->panel.gutter_level,
                     "pixels with every channel at least this are page white")
          ->check(CLI::Range(1, 255))
          ->capture_default_str();
      app.add_option("--inset", a->panel.inset, "pixels cut from each side of a panel")
          ->check(CLI::Range(0, 64))
          ->capture_default_str();
      app.add_option("--short-side", a->short_side,
                     "shrink each panel so its shorter side is this (0: keep the size)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      app.add_option("--quality", a->quality, "JPEG quality")
          ->check(CLI::Range(1, 100))
          ->capture_default_str();
      return [a]() {
        infer::StylizeFilesJob job;  // only for finding the pages and naming the outputs
        job.inputs = a->inputs;
        job.output = (fs::path(a->output) / "").string();
        job.format = "jpg";
        const auto plan = infer::plan_outputs(job);
        check(!plan.empty(), "panels: no pictures (jpg, png, webp, bmp, tiff) found in the input");
        io::WriteOptions write;
        write.jpeg_quality = a->quality;
        size_t pages = 0, panels = 0, failed = 0;
        for (const auto& [in_path, out_path] : plan) {
          try {
            Image page = io::read_image(in_path);
            auto found = data::find_panels(page, a->panel);
            fs::path out(out_path);
            fs::create_directories(out.parent_path());
            for (size_t i = 0; i < found.size(); ++i) {
              char suffix[16];
              std::snprintf(suffix, sizeof suffix, "-p%02zu.jpg", i + 1);
              Image panel = data::shrink_to_short_side(data::crop(page, found[i]), a->short_side);
              io::write_image((out.parent_path() / (out.stem().string() + suffix)).string(), panel,
                              write);
            }
            ++pages;
            panels += found.size();
            std::cerr << in_path << ": " << found.size() << " panel(s)\n";
          } catch (const std::exception& e) {
            ++failed;
            std::cerr << "failed: " << e.what() << "\n";
          }
        }
        std::cerr << panels << " panel(s) from " << pages << " page(s), " << failed << " failed\n";
        return failed ? 1 : 0;
      };
    },
    41);

}  // namespace
}  // namespace comicgan::cli
