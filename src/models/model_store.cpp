#include "models/model_store.h"

#include <filesystem>
#include <sstream>

#include "comicgan/error.h"
#include "io/torch_checkpoint.h"
#include "models/animegan2.h"

namespace comicgan::models {

// Generated at build time (build/embedded_models.cpp) from models/*.cgm.
extern const ShippedModel kEmbeddedModels[];
extern const size_t kEmbeddedModelCount;
extern const char* const kDefaultModelName;

std::vector<ShippedModel> shipped_models() {
  return {kEmbeddedModels, kEmbeddedModels + kEmbeddedModelCount};
}

std::string default_model_name() { return kDefaultModelName; }

LoadedModel load_model(const io::ModelFile& file, const std::string& source) {
  check(file.meta.contains("architecture") && file.meta["architecture"].is_string(), source,
        ": model file has no architecture");
  auto options = file.meta.value("options", nlohmann::json::object());
  LoadedModel loaded;
  loaded.generator = make_generator(file.meta["architecture"].get<std::string>(), options);
  load_state_dict(*loaded.generator, file.tensors, source);
  loaded.generator->eval();
  loaded.meta = file.meta;
  loaded.source = source;
  return loaded;
}

LoadedModel load_model(const std::string& path_or_name) {
  std::string name = path_or_name.empty() ? default_model_name() : path_or_name;
  std::error_code ec;
  if (!name.empty() && std::filesystem::is_regular_file(name, ec))
    return load_model(io::read_model_file(name), name);
  for (const auto& shipped : shipped_models())
    if (shipped.name == name)
      return load_model(io::read_model_file_bytes(shipped.data, shipped.size, "embedded:" + name),
                        "embedded:" + name);
  std::string known;
  for (const auto& shipped : shipped_models()) known += (known.empty() ? "" : ", ") + shipped.name;
  if (path_or_name.empty()) fail("this build ships no default model; pass --model FILE.cgm");
  fail(path_or_name, ": no such model file, and no shipped model of that name (shipped: ",
       known.empty() ? "none" : known, ")");
}

namespace {
// The port's checkpoints have width 1; lighter variants (comicgan's animegan2-lite, test
// fixtures) scale every channel count, which the first convolution's 32 * width outputs reveal.
// load_state_dict then checks every other shape against that width.
double animegan2_width(const io::NamedTensors& tensors) {
  for (const auto& [name, tensor] : tensors)
    if (name == "block_a.0.1.weight" && tensor.dim() == 4 && tensor.size(0) > 0 &&
        tensor.size(0) <= 4 * 32)
      return double(tensor.size(0)) / 32.0;
  return 1.0;
}
}  // namespace

io::ModelFile generator_model_file(const std::string& architecture, const Generator& generator,
                                   const std::string& name, const nlohmann::json& provenance) {
  io::ModelFile file;
  file.meta = {{"architecture", architecture},
               {"options", generator.options()},
               {"name", name},
               {"provenance", provenance}};
  file.tensors = state_dict(generator);
  return file;
}

io::ModelFile import_animegan2(const std::string& checkpoint_path, const AnimeGAN2Import& options) {
  io::ModelFile file;
  file.tensors = io::read_torch_checkpoint(checkpoint_path);
  AnimeGAN2Options arch;
  arch.align_corners = options.align_corners;
  arch.width = animegan2_width(file.tensors);
  AnimeGAN2Generator generator(arch);
  load_state_dict(generator, file.tensors, checkpoint_path);  // validates every key and shape
  std::string name =
      options.name.empty() ? std::filesystem::path(checkpoint_path).stem().string() : options.name;
  file.meta = {{"architecture", "animegan2"},
               {"options", arch.to_json()},
               {"name", name},
               {"provenance",
                {{"imported_from", std::filesystem::path(checkpoint_path).filename().string()},
                 {"format", "PyTorch state_dict of the AnimeGANv2 PyTorch port"}}}};
  return file;
}

std::string describe_model(const LoadedModel& model) {
  std::ostringstream out;
  const auto& m = model.meta;
  int64_t params = 0;
  for (const auto& p : model.generator->parameters()) params += p.numel();
  out << "model:         " << m.value("name", std::string("?")) << "\n"
      << "source:        " << model.source << "\n"
      << "architecture:  " << m.value("architecture", std::string("?")) << "\n"
      << "options:       " << m.value("options", nlohmann::json::object()).dump() << "\n"
      << "parameters:    " << params << "\n"
      << "format:        " << m.value("format_version", 0) << "\n";
  if (m.contains("description"))
    out << "description:   " << m["description"].get<std::string>() << "\n";
  if (m.contains("attribution"))
    out << "attribution:   " << m["attribution"].get<std::string>() << "\n";
  if (m.contains("provenance")) out << "provenance:    " << m["provenance"].dump() << "\n";
  return out.str();
}

}  // namespace comicgan::models
