// Generators: image-to-image networks mapping a photo in [-1,1] (N,3,H,W) to a styled image in
// [-1,1]. Each architecture lives in its own file and registers a factory here by name; a model
// file's "architecture" and "options" pick and configure one.
#pragma once

#include <torch/nn/module.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/named_tensors.h"

namespace comicgan::models {

class Generator : public torch::nn::Module {
 public:
  virtual at::Tensor forward(const at::Tensor& photo) = 0;
  // Input sizes must be a multiple of this for the output to have the input's size.
  virtual int size_multiple() const = 0;
  // The options this instance was built with, as stored in model files.
  virtual nlohmann::json options() const = 0;
};

using GeneratorFactory = std::function<std::shared_ptr<Generator>(const nlohmann::json& options)>;

void register_generator(const std::string& architecture, GeneratorFactory factory);
std::shared_ptr<Generator> make_generator(const std::string& architecture,
                                          const nlohmann::json& options = nlohmann::json::object());
std::vector<std::string> generator_architectures();

// Copies `tensors` into `module`'s parameters and buffers by name. Throws comicgan::Error naming
// every missing or unexpected key, or the first key whose shape differs (with both shapes).
void load_state_dict(torch::nn::Module& module, const io::NamedTensors& tensors,
                     const std::string& label);
io::NamedTensors state_dict(const torch::nn::Module& module);

}  // namespace comicgan::models
