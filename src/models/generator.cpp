#include "models/generator.h"

#include <torch/torch.h>

#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "comicgan/error.h"

namespace comicgan::models {
namespace {

std::map<std::string, GeneratorFactory>& registry() {
  static std::map<std::string, GeneratorFactory> factories;
  return factories;
}
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < sizes.size(); ++i) s << (i ? "," : "") << sizes[i];
  s << "]";
  return s.str();
}

}  // namespace

void register_all_generators();  // in registry.cpp: one line per architecture

void register_generator(const std::string& architecture, GeneratorFactory factory) {
  std::lock_guard<std::mutex> lock(registry_mutex());
  registry()[architecture] = std::move(factory);
}

std::shared_ptr<Generator> make_generator(const std::string& architecture,
                                          const nlohmann::json& options) {
  register_all_generators();
  GeneratorFactory factory;
  {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto it = registry().find(architecture);
    if (it == registry().end()) {
      std::string known;
      for (const auto& [name, _] : registry()) known += (known.empty() ? "" : ", ") + name;
      fail("unknown generator architecture '", architecture, "' (known: ", known, ")");
    }
    factory = it->second;
  }
  return factory(options);
}

std::vector<std::string> generator_architectures() {
  register_all_generators();
  std::lock_guard<std::mutex> lock(registry_mutex());
  std::vector<std::string> names;
  for (const auto& [name, _] : registry()) names.push_back(name);
  return names;
}

void load_state_dict(torch::nn::Module& module, const io::NamedTensors& tensors,
                     const std::string& label) {
  std::map<std::string, at::Tensor> wanted;
  for (auto& p : module.named_parameters(true)) wanted[p.key()] = p.value();
  for (auto& b : module.named_buffers(true)) wanted[b.key()] = b.value();

  std::set<std::string> seen;
  std::vector<std::string> unexpected;
  for (const auto& [name, tensor] : tensors) {
    auto it = wanted.find(name);
    if (it == wanted.end()) {
      unexpected.push_back(name);
      continue;
    }
    check(it->second.sizes() == tensor.sizes(), label, ": ", name, ": expected ",
          shape_string(it->second.sizes()), ", found ", shape_string(tensor.sizes()));
    seen.insert(name);
  }
  std::vector<std::string> missing;
  for (const auto& [name, _] : wanted)
    if (!seen.count(name)) missing.push_back(name);
  if (!missing.empty() || !unexpected.empty()) {
    std::ostringstream msg;
    msg << label << ": checkpoint does not fit the architecture";
    auto list = [&](const char* what, const std::vector<std::string>& keys) {
      if (keys.empty()) return;
      msg << "; " << keys.size() << " " << what << ": ";
      for (size_t i = 0; i < keys.size() && i < 5; ++i) msg << (i ? ", " : "") << keys[i];
      if (keys.size() > 5) msg << ", ...";
    };
    list("missing keys", missing);
    list("unexpected keys", unexpected);
    fail(msg.str());
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, tensor] : tensors) {
    auto& target = wanted[name];
    target.copy_(tensor.to(target.dtype()));
  }
}

io::NamedTensors state_dict(const torch::nn::Module& module) {
  io::NamedTensors out;
  for (auto& p : module.named_parameters(true)) out.emplace_back(p.key(), p.value().detach());
  for (auto& b : module.named_buffers(true)) out.emplace_back(b.key(), b.value().detach());
  return out;
}

}  // namespace comicgan::models
