// Training checkpoints: everything a run needs to continue exactly where it stopped — generator,
// discriminator (with its spectral-norm vectors), the EMA generator, the three Adam optimizers
// (init, G, D), the step, the learning-rate scale the NaN guard lowered, the CPU RNG state and
// the config. One file per checkpoint (LibTorch's archive format, which every LibTorch version
// reads), written atomically as RUN_DIR/checkpoints/step-00001234.pt; the last N are kept.
#pragma once

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace comicgan::train {

// The parts of a run, by reference: saving reads them, loading writes into them.
struct TrainingState {
  torch::nn::Module* generator = nullptr;
  torch::nn::Module* discriminator = nullptr;
  torch::nn::Module* ema = nullptr;
  torch::optim::Optimizer* init_optimizer = nullptr;
  torch::optim::Optimizer* g_optimizer = nullptr;
  torch::optim::Optimizer* d_optimizer = nullptr;
  int64_t step = 0;       // completed steps
  double lr_scale = 1.0;  // product of the NaN guard's reductions
  int64_t rollbacks = 0;
  nlohmann::json config;  // TrainConfig::to_json() of the run that wrote it
};

// The whole state as bytes (also what the NaN guard keeps in memory as its last good state).
std::string save_state_bytes(const TrainingState& state);
// Restores into `state`'s modules and optimizers (tensors go to `device`), sets step, lr_scale,
// rollbacks, config and the CPU RNG. `label` names the source in errors.
void load_state_bytes(const std::string& bytes, TrainingState& state, const std::string& device,
                      const std::string& label);

std::string checkpoint_dir(const std::string& run_dir);
std::string checkpoint_path(const std::string& run_dir, int64_t step);
// Checkpoint files of a run, oldest first; empty when there are none.
std::vector<std::string> list_checkpoints(const std::string& run_dir);

// Writes the checkpoint for state.step atomically and removes all but the newest `keep`.
std::string save_checkpoint(const std::string& run_dir, const TrainingState& state, int64_t keep);
// Loads the newest checkpoint; throws comicgan::Error when there is none.
std::string load_latest_checkpoint(const std::string& run_dir, TrainingState& state,
                                   const std::string& device);

}  // namespace comicgan::train
