// Finding and loading generator models: a .cgm path, or the name of a model comicgan ships
// (embedded in the binary at build time from models/*.cgm), and converting public AnimeGANv2
// PyTorch checkpoints into comicgan's model file.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "models/generator.h"

namespace comicgan::models {

struct LoadedModel {
  std::shared_ptr<Generator> generator;
  nlohmann::json meta;  // architecture, options, name, provenance, format_version
  std::string source;   // the path, or "embedded:NAME"
};

struct ShippedModel {
  std::string name;
  const uint8_t* data;
  size_t size;
};

// The models embedded in this build, in name order, and the default one's name ("" if none).
std::vector<ShippedModel> shipped_models();
std::string default_model_name();

// `path_or_name`: a model file path, or a shipped model's name; "" means the default model.
LoadedModel load_model(const std::string& path_or_name);
LoadedModel load_model(const io::ModelFile& file, const std::string& source);

// The model file of a generator built by make_generator(architecture, ...): its options and
// weights, the style name and where it came from — what load_model reads back.
io::ModelFile generator_model_file(const std::string& architecture, const Generator& generator,
                                   const std::string& name, const nlohmann::json& provenance);

struct AnimeGAN2Import {
  bool align_corners = true;
  std::string name;  // defaults to the checkpoint's file stem
};

// Reads a `torch.save(state_dict)` of the AnimeGANv2 port (e.g. face_paint_512_v2.pt), checks it
// against the architecture (every key and shape) and returns the model file to write.
io::ModelFile import_animegan2(const std::string& checkpoint_path, const AnimeGAN2Import& options);

// A human-readable summary of a model file (for `comicgan info`).
std::string describe_model(const LoadedModel& model);

}  // namespace comicgan::models
