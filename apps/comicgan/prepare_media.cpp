// comicgan prepare --photos DIR --style DIR -o PREPARED_DIR: decode, validate, resize and
// edge-smooth training pictures once; prints what was read and what was skipped and why.
#include <iostream>

#include "command.h"
#include "data/prepare.h"

namespace comicgan::cli {
namespace {

Command prepare_command(
    "prepare", "Prepare training data: validate, resize and edge-smooth two picture folders",
    [](CLI::App& app) -> Runner {
      auto o = std::make_shared<data::PrepareOptions>();
      app.add_option("--photos", o->photos_dir, "folder of photos (searched recursively)")
          ->required();
      app.add_option("--style", o->style_dir,
                     "folder of comic / anime style pictures (searched recursively)")
          ->required();
      app.add_option("-o,--output", o->output_dir, "folder for the prepared data (the cache)")
          ->required();
      app.add_option("--short-side", o->short_side, "resize so the shorter side is this")
          ->check(CLI::Range(16, 4096))
          ->capture_default_str();
      app.add_option("--max-aspect", o->max_aspect,
                     "crop the longer side (centred) to at most this times the shorter")
          ->check(CLI::Range(1.0, 16.0))
          ->capture_default_str();
      app.add_option("--min-side", o->min_side, "skip pictures whose shorter side is smaller")
          ->check(CLI::PositiveNumber)
          ->capture_default_str();
      app.add_option("--max-pixels", o->limits.max_pixels,
                     "skip pictures larger than this many pixels, before decoding")
          ->capture_default_str();
      app.add_option("--threads", o->threads, "decoding threads (0: the cores available)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      app.add_option("--photo-target", o->photo_target,
                     "store a classical rendering beside each photo for --target-weight: "
                     "meanshift (flat regions, colours and edges kept) or comic (palette and ink)")
          ->check(CLI::IsMember(data::photo_target_names()));
      app.add_flag("--force", o->force, "prepare again even if the inputs are unchanged");
      return [o]() {
        auto report = data::prepare_training_data(
            *o, [](const std::string& line) { std::cerr << line << "\n"; });
        std::cout << data::summarize(report);
        return 0;
      };
    },
    40);

}  // namespace
}  // namespace comicgan::cli
