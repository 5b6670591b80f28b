// comicgan: turn photos and videos into comic / anime style, and train new styles.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "comicgan/error.h"
#include "command.h"
#ifdef COMICGAN_WITH_MEDIA
#include "video/av_handles.h"
#endif

namespace comicgan::cli {

std::vector<RegisteredCommand>& command_registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

Command::Command(std::string name, std::string description, Setup setup, int order) {
  command_registry().push_back({std::move(name), std::move(description), std::move(setup), order});
}

namespace {
// The flag a library option is given by: "max_memory" -> "--max-memory", with the exceptions.
std::string flag_of(const std::string& option) {
  if (option == "discriminator") return "--disc";
  if (option == "models") return "--model";
  std::string flag = "--" + option;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}
}  // namespace

}  // namespace comicgan::cli

int main(int argc, char** argv) {
  using namespace comicgan::cli;
#ifdef COMICGAN_WITH_MEDIA
  // FFmpeg's own messages, for debugging a file comicgan refuses (the library keeps it quiet).
  if (std::getenv("COMICGAN_FFMPEG_LOG")) comicgan::video::show_ffmpeg_log(true);
#endif
  CLI::App app{"comicgan " COMICGAN_VERSION
               ": turn photos and videos into comic / anime style; train new styles"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("comicgan ") + COMICGAN_VERSION);

  auto commands = command_registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (auto& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    runners.emplace_back(sub, command.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto& [sub, run] : runners)
      if (sub->parsed()) return run();
  } catch (const comicgan::OptionError& e) {
    // The library names its option; the user gave it as a flag.
    std::cerr << "comicgan: error: " << comicgan::cli::flag_of(e.option()) << " " << e.problem()
              << "\n";
    return 1;
  } catch (const comicgan::Error& e) {
    std::cerr << "comicgan: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "comicgan: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
