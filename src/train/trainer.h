// The AnimeGANv2 training loop: an init phase of content-only generator steps, then alternating
// discriminator and generator steps, with gradient clipping, an EMA copy of the generator, a NaN
// guard that rolls back to the last good state at a lower learning rate, checkpoints that make a
// resumed run bit-identical to an uninterrupted one (CPU), and RUN_DIR outputs:
//   config.json, metrics.jsonl, checkpoints/step-*.pt, model.cgm (EMA generator, for
//   `comicgan stylize --model`), discriminator.cgm (for `comicgan eval`).
// Pictures (sample grids, loss curve) are the caller's: see the hooks and train/run_pictures.h.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <map>
#include <string>

#include "data/batch_source.h"
#include "train/progress.h"
#include "train/train_config.h"

namespace comicgan::train {

struct TrainHooks {
  std::function<void(const std::string&)> log;        // events: start, checkpoints, rollbacks
  std::function<void(const ProgressInfo&)> progress;  // every log_every steps
  // Every sample_every steps and at the end: photos and the EMA generator's output, [-1,1].
  std::function<void(int64_t step, const at::Tensor& photos, const at::Tensor& generated)> samples;
  std::function<bool(int64_t step)> should_stop;  // checked before each step (Ctrl-C, tests)
  at::Tensor sample_photos;  // (N,3,H,W) in [-1,1]; undefined: photos of the first batch
};

struct TrainSummary {
  int64_t start_step = 0, steps_done = 0;  // steps_done counts from 0, init steps included
  bool stopped_early = false;              // should_stop asked to stop before the last step
  int64_t rollbacks = 0;
  double seconds = 0;
  std::map<std::string, double> last_losses;  // means over the last log window
  std::string model_path, discriminator_path, checkpoint_path;
};

class Trainer {
 public:
  Trainer(TrainConfig config, std::string run_dir, data::BatchSource& data, TrainHooks hooks = {});
  ~Trainer();
  // Trains to config.steps. resume: continue from the newest checkpoint in run_dir (required to
  // exist); otherwise run_dir must not hold checkpoints already.
  TrainSummary run(bool resume);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comicgan::train
