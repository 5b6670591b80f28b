// Training-step throughput of comicgan's trainer (G + D + VGG forward/backward, Adam on both) at
// a given size and batch, on random data, for bench/RESULTS.md. Compare with
// bench/train_step_pytorch.py (the same step in PyTorch) via bench/run_train_step.sh.
//   build/bench/train_step_bench [size=256] [batch=4] [steps=3] [threads=2] [precision=fp32]
// COMICGAN_PROFILE=FILE writes a chrome://tracing profile of the second step (LibTorch's
// profiler); bench/profile_summary.py sums it by operator.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "comicgan/comicgan.h"
#include "train/trainer.h"

namespace {

class RandomBatches : public comicgan::data::BatchSource {
 public:
  RandomBatches(int64_t batch, int64_t size) : batch_(batch), size_(size) {}
  comicgan::data::TrainingBatch batch(int64_t) override {
    auto r = [&] { return torch::rand({batch_, 3, size_, size_}) * 2 - 1; };
    return {r(), r(), r(), r()};
  }

 private:
  int64_t batch_, size_;
};

}  // namespace

int main(int argc, char** argv) {
  const int64_t size = argc > 1 ? std::stoll(argv[1]) : 256;
  const int64_t batch = argc > 2 ? std::stoll(argv[2]) : 4;
  const int64_t steps = argc > 3 ? std::stoll(argv[3]) : 3;
  const int threads = argc > 4 ? std::stoi(argv[4]) : 2;
  const std::string precision = argc > 5 ? argv[5] : "fp32";
  comicgan::configure_runtime(threads);

  comicgan::train::TrainConfig config;
  config.image_size = size;
  config.batch_size = batch;
  config.precision = precision;
  config.init_steps = 0;  // time the GAN step (D + G), not the content-only one
  config.steps = steps + 1;
  config.log_every = 1;
  config.checkpoint_every = 1000000;
  config.snapshot_every = 1000000;
  config.sample_every = 0;
  auto run_dir =
      std::filesystem::temp_directory_path() / ("comicgan_bench_" + std::to_string(getpid()));
  std::filesystem::remove_all(run_dir);

  std::vector<double> times;
  auto last = std::chrono::steady_clock::now();
  const char* profile_file = std::getenv("COMICGAN_PROFILE");
  std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
  comicgan::train::TrainHooks hooks;
  hooks.progress = [&](const comicgan::train::ProgressInfo& info) {
    auto now = std::chrono::steady_clock::now();
    if (info.step > 1) times.push_back(std::chrono::duration<double>(now - last).count());
    if (profile_file && info.step == 1)
      profile = std::make_unique<torch::autograd::profiler::RecordProfile>(profile_file);
    else
      profile.reset();  // the profile covers step 2 only
    last = std::chrono::steady_clock::now();
  };
  RandomBatches data(batch, size);
  comicgan::train::Trainer(config, run_dir.string(), data, hooks).run(false);
  std::filesystem::remove_all(run_dir);
  std::sort(times.begin(), times.end());
  std::printf("comicgan %s threads=%d size=%lld batch=%lld: median %.3f s/step over %zu steps\n",
              precision.c_str(), threads, (long long)size, (long long)batch,
              times[times.size() / 2], times.size());
  return 0;
}
