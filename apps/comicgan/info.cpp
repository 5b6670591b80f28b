// comicgan info MODEL: what is inside a model file; comicgan models: the shipped models.
#include <iostream>

#include "command.h"
#include "models/model_store.h"

namespace comicgan::cli {
namespace {

Command info_command(
    "info", "Print what is inside a model file (or a shipped model)",
    [](CLI::App& app) -> Runner {
      auto model = std::make_shared<std::string>();
      app.add_option("MODEL", *model, "model file (.cgm) or shipped model name")->required();
      return [model]() {
        std::cout << models::describe_model(models::load_model(*model));
        return 0;
      };
    },
    30);

Command models_command(
    "models", "List the models shipped inside comicgan",
    [](CLI::App&) -> Runner {
      return []() {
        auto shipped = models::shipped_models();
        if (shipped.empty()) {
          std::cout << "this build ships no models\n";
          return 0;
        }
        std::string def = models::default_model_name();
        for (const auto& m : shipped) {
          auto loaded = models::load_model(m.name);
          std::cout << (m.name == def ? "* " : "  ") << m.name << "  "
                    << loaded.meta.value("architecture", std::string("?")) << "  " << m.size / 1024
                    << " KiB"
                    << (loaded.meta.contains("description")
                            ? "  " + loaded.meta["description"].get<std::string>()
                            : std::string())
                    << "\n";
        }
        std::cout << "(* = default)\n";
        return 0;
      };
    },
    31);

}  // namespace
}  // namespace comicgan::cli
