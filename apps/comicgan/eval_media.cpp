// comicgan eval --model M --photos DIR [--style DIR] [--disc RUN] -o REPORT: measure a model
// (or several, --compare) and write a report to look at. `comicgan eval SUB ...` runs the
// subcommands other files register (eval_subcommands.h), e.g. `comicgan eval video IN OUT`.
#include <iostream>

#include "comicgan/error.h"
#include "command.h"
#include "eval/evaluate.h"
#include "eval/report.h"
#include "eval_subcommands.h"

namespace comicgan::cli {

std::vector<RegisteredCommand>& eval_subcommand_registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

EvalSubcommand::EvalSubcommand(std::string name, std::string description, Setup setup) {
  eval_subcommand_registry().push_back(
      {std::move(name), std::move(description), std::move(setup), 0});
}

namespace {

struct EvalArgs {
  eval::EvalOptions options;
  std::string model, output;
  std::vector<std::string> compare;
  bool no_vgg = false;
  RuntimeFlags runtime;
};

Command eval_command(
    "eval",
    "Measure a model (style distance, content kept, discriminator verdict, speed) into a report",
    [](CLI::App& app) -> Runner {
      auto a = std::make_shared<EvalArgs>();
      auto& o = a->options;
      app.add_option("-m,--model", a->model,
                     "the model to evaluate: model file (.cgm) or shipped name (required)");
      app.add_option("--photos", o.photos, "folder of input photos (required)");
      app.add_option("-o,--output", a->output,
                     "report folder: index.html, grid.png, metrics.json (required)");
      app.add_option("--style", o.style,
                     "folder of real pictures of the style: enables SWD, FID, KID");
      app.add_option("--disc", o.discriminator,
                     "training run folder (its discriminator.cgm) or a discriminator file");
      app.add_option("--compare", a->compare,
                     "more models to evaluate side by side; synth:comic (or manga, cel) is the "
                     "classical renderer, filter:meanshift an edge-preserving filter")
          ->expected(1, -1);
      app.add_option("--inception", o.inception,
                     "pytorch-fid Inception weights (pt_inception-2015-12-05 state_dict): enables "
                     "FID and KID");
      app.add_option("--vgg", o.vgg,
                     "VGG weights (state_dict: torchvision vgg19, or the shipped VGG19-relu3_1 "
                     "layout) for the VGG content distance; default: the VGG19-relu3_1 embedded in "
                     "comicgan, the one training uses");
      app.add_flag("--no-vgg", a->no_vgg, "skip the VGG content distance");
      app.add_option("--size", o.side,
                     "side pictures are centre-cropped and resized to (a power-of-two multiple of "
                     "16 for SWD)")
          ->check(CLI::Range(16, 4096))
          ->capture_default_str();
      app.add_option("--look-max-side", o.look_max_side,
                     "colour shift, flat gain and edge F1 are measured on whole photos shrunk to "
                     "this longer side (0: their own size)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      app.add_option("--max-images", o.max_images,
                     "at most this many pictures per folder (sorted by name)")
          ->check(CLI::Range(int64_t(2), int64_t(1) << 20))
          ->capture_default_str();
      app.add_option("--batch", o.batch, "batch size of the feature networks")
          ->check(CLI::Range(1, 256))
          ->capture_default_str();
      app.add_option("--kid-subsets", o.kid_subsets, "KID subsets")
          ->check(CLI::Range(1, 10000))
          ->capture_default_str();
      app.add_option("--seed", o.seed, "seed of SWD's and KID's random choices")
          ->capture_default_str();
      add_runtime_flags(app, a->runtime);

      std::vector<std::pair<CLI::App*, Runner>> subcommands;
      for (auto& sub : eval_subcommand_registry()) {
        CLI::App* s = app.add_subcommand(sub.name, sub.description);
        subcommands.emplace_back(s, sub.setup(*s));
      }
      return [a, subcommands]() {
        for (const auto& [sub, run] : subcommands)
          if (sub->parsed()) return run();
        check(!a->model.empty() && !a->options.photos.empty() && !a->output.empty(),
              "eval needs --model, --photos and -o REPORT_DIR (see comicgan eval --help)");
        apply_runtime_flags(a->runtime);
        auto options = a->options;
        options.device = a->runtime.device;
        options.use_vgg = !a->no_vgg;
        options.models = {a->model};
        options.models.insert(options.models.end(), a->compare.begin(), a->compare.end());
        auto evaluation =
            eval::evaluate(options, [](const std::string& line) { std::cerr << line << "\n"; });
        eval::write_report(evaluation, a->output);
        std::cout << eval::summary_text(evaluation, a->output);
        return 0;
      };
    },
    40);

}  // namespace
}  // namespace comicgan::cli
