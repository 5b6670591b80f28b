#include "comicgan/error.h"
#include "command.h"
#include "infer/runtime.h"

namespace comicgan::cli {

void add_runtime_flags(CLI::App& app, RuntimeFlags& flags) {
  app.add_option("--threads", flags.threads, "CPU threads (0: the cores this process may use)")
      ->capture_default_str()
      ->envname("COMICGAN_THREADS");
  app.add_option("--device", flags.device, "cpu or cuda[:N]")->capture_default_str();
}

void apply_runtime_flags(const RuntimeFlags& flags) {
  check(flags.threads >= 0, "--threads must be >= 0, found ", flags.threads);
  configure_runtime(flags.threads);
}

}  // namespace comicgan::cli
