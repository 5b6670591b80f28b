// Loading the discriminator a training run saved (models/discriminator.h comes from training).
#include <filesystem>

#include "comicgan/error.h"
#include "eval/discriminator_verdict.h"
#include "io/model_file.h"
#if __has_include("models/discriminator.h")
#include "models/discriminator.h"
#include "models/generator.h"
#define COMICGAN_HAVE_DISCRIMINATOR 1
#endif

namespace comicgan::eval {

Scorer load_discriminator(const std::string& run_dir_or_file, std::string* resolved_path) {
  namespace fs = std::filesystem;
  fs::path path = run_dir_or_file;
  std::error_code ec;
  if (fs::is_directory(path, ec)) path /= "discriminator.cgm";
  check_option(
      fs::is_regular_file(path, ec), "discriminator", run_dir_or_file,
      ": no discriminator there (expected a training run folder holding discriminator.cgm, "
      "or that file)");
  if (resolved_path) *resolved_path = path.string();
#ifdef COMICGAN_HAVE_DISCRIMINATOR
  io::ModelFile file = io::read_model_file(path.string());
  check(file.meta.value("kind", std::string()) == "discriminator", path.string(),
        ": not a discriminator file (its kind is '",
        file.meta.value("kind", std::string("generator")), "')");
  check(file.meta.contains("architecture") && file.meta["architecture"].is_string(), path.string(),
        ": discriminator file names no architecture");
  auto d = models::make_discriminator(file.meta["architecture"].get<std::string>(),
                                      file.meta.value("options", nlohmann::json::object()));
  models::load_state_dict(*d, file.tensors, path.string());
  d->eval();
  return [d](const at::Tensor& x) { return d->forward(x); };
#else
  fail_option("discriminator",
              "cannot be used: this build of comicgan has no discriminator definitions");
#endif
}

}  // namespace comicgan::eval
