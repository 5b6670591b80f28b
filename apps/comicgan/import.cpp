// comicgan import animegan2 IN.pt -o OUT.cgm: convert a public AnimeGANv2 PyTorch checkpoint.
#include <iostream>

#include "command.h"
#include "io/model_file.h"
#include "models/model_store.h"

namespace comicgan::cli {
namespace {

struct ImportArgs {
  std::string checkpoint, output, name;
  bool align_corners = true;
};

Command import_command(
    "import", "Convert a PyTorch checkpoint into a comicgan model file (.cgm)",
    [](CLI::App& app) -> Runner {
      auto args = std::make_shared<ImportArgs>();
      app.require_subcommand(1);
      auto* anime = app.add_subcommand(
          "animegan2",
          "A torch.save(state_dict) of the AnimeGANv2 PyTorch port (e.g. face_paint_512_v2.pt)");
      anime->add_option("CHECKPOINT", args->checkpoint, "the .pt file")
          ->required()
          ->check(CLI::ExistingFile);
      anime->add_option("-o,--output", args->output, "the model file to write (.cgm)")->required();
      anime
          ->add_option("--align-corners", args->align_corners,
                       "upsampling: true = torch.hub path (align_corners=True to recorded sizes); "
                       "false = the port's test.py (scale_factor=2)")
          ->capture_default_str();
      anime->add_option("--name", args->name,
                        "style name stored in the model (default: file stem)");
      return [args]() {
        models::AnimeGAN2Import options;
        options.align_corners = args->align_corners;
        options.name = args->name;
        auto file = models::import_animegan2(args->checkpoint, options);
        io::write_model_file(args->output, file);
        std::cout << "wrote " << args->output << " (" << file.meta["name"].get<std::string>()
                  << ", " << file.tensors.size() << " tensors)\n";
        return 0;
      };
    },
    20);

}  // namespace
}  // namespace comicgan::cli
