#include "train/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "comicgan/error.h"
#include "io/atomic_file.h"

namespace comicgan::train {
namespace fs = std::filesystem;

namespace {

constexpr int64_t kCheckpointVersion = 1;
constexpr size_t kMaxCheckpointBytes = size_t(16) << 30;

at::Generator cpu_generator() { return at::detail::getDefaultCPUGenerator(); }

void write_module(torch::serialize::OutputArchive& archive, const std::string& key,
                  const torch::nn::Module& module) {
  torch::serialize::OutputArchive nested;
  module.save(nested);
  archive.write(key, nested);
}

void write_optimizer(torch::serialize::OutputArchive& archive, const std::string& key,
                     torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive nested;
  optimizer.save(nested);
  archive.write(key, nested);
}

}  // namespace

std::string save_state_bytes(const TrainingState& state) {
  check(state.generator && state.discriminator && state.ema && state.init_optimizer &&
            state.g_optimizer && state.d_optimizer,
        "checkpoint: incomplete training state");
  torch::serialize::OutputArchive archive;
  archive.write("version", torch::tensor(kCheckpointVersion));
  archive.write("step", torch::tensor(state.step));
  archive.write("lr_scale", torch::tensor(state.lr_scale, torch::kDouble));
  archive.write("rollbacks", torch::tensor(state.rollbacks));
  archive.write("config", c10::IValue(state.config.dump()));
  {
    auto gen = cpu_generator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    archive.write("rng_state", gen.get_state());
  }
  write_module(archive, "generator", *state.generator);
  write_module(archive, "discriminator", *state.discriminator);
  write_module(archive, "ema", *state.ema);
  write_optimizer(archive, "init_optimizer", *state.init_optimizer);
  write_optimizer(archive, "g_optimizer", *state.g_optimizer);
  write_optimizer(archive, "d_optimizer", *state.d_optimizer);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void load_state_bytes(const std::string& bytes, TrainingState& state, const std::string& device,
                      const std::string& label) {
  torch::serialize::InputArchive archive;
  try {
    std::istringstream in(bytes);
    archive.load_from(in, torch::Device(device));
    // A fresh tensor per key: reading into a defined tensor would set_() it in place.
    auto read_tensor = [&](const char* key) {
      at::Tensor t;
      archive.read(key, t);
      return t;
    };
    const int64_t version = read_tensor("version").item<int64_t>();
    check(version <= kCheckpointVersion, label, ": checkpoint version ", version,
          " is newer than this comicgan reads");
    state.step = read_tensor("step").item<int64_t>();
    state.lr_scale = read_tensor("lr_scale").item<double>();
    state.rollbacks = read_tensor("rollbacks").item<int64_t>();
    c10::IValue config;
    archive.read("config", config);
    state.config = nlohmann::json::parse(config.toStringRef());
    at::Tensor rng = read_tensor("rng_state");
    {
      auto gen = cpu_generator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(rng.to(torch::kCPU));
    }
    auto read_module = [&](const char* key, torch::nn::Module* module) {
      torch::serialize::InputArchive nested;
      archive.read(key, nested);
      module->load(nested);
    };
    read_module("generator", state.generator);
    read_module("discriminator", state.discriminator);
    read_module("ema", state.ema);
    auto read_optimizer = [&](const char* key, torch::optim::Optimizer* optimizer) {
      torch::serialize::InputArchive nested;
      archive.read(key, nested);
      optimizer->load(nested);
    };
    read_optimizer("init_optimizer", state.init_optimizer);
    read_optimizer("g_optimizer", state.g_optimizer);
    read_optimizer("d_optimizer", state.d_optimizer);
  } catch (const comicgan::Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string what = e.what();
    fail(label, ": cannot restore the training state (", what.substr(0, what.find('\n')),
         "); was it written by a run with another architecture or config?");
  }
}

std::string checkpoint_dir(const std::string& run_dir) {
  return (fs::path(run_dir) / "checkpoints").string();
}

std::string checkpoint_path(const std::string& run_dir, int64_t step) {
  char name[64];
  std::snprintf(name, sizeof name, "step-%09lld.pt", static_cast<long long>(step));
  return (fs::path(checkpoint_dir(run_dir)) / name).string();
}

std::vector<std::string> list_checkpoints(const std::string& run_dir) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::path dir = checkpoint_dir(run_dir);
  if (!fs::is_directory(dir, ec)) return found;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("step-", 0) == 0 && entry.path().extension() == ".pt")
      found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());  // zero-padded step numbers sort by step
  return found;
}

std::string save_checkpoint(const std::string& run_dir, const TrainingState& state, int64_t keep) {
  fs::create_directories(checkpoint_dir(run_dir));
  std::string path = checkpoint_path(run_dir, state.step);
  io::write_file_atomically(path, save_state_bytes(state));
  auto all = list_checkpoints(run_dir);
  for (size_t i = 0; i + size_t(keep) < all.size(); ++i) {
    std::error_code ec;
    fs::remove(all[i], ec);
  }
  return path;
}

std::string load_latest_checkpoint(const std::string& run_dir, TrainingState& state,
                                   const std::string& device) {
  auto all = list_checkpoints(run_dir);
  check(!all.empty(), run_dir, ": no checkpoint to resume from (", checkpoint_dir(run_dir),
        " has no step-*.pt); start without --resume");
  const std::string& path = all.back();
  load_state_bytes(io::read_file(path, kMaxCheckpointBytes), state, device, path);
  return path;
}

}  // namespace comicgan::train
