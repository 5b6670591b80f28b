// Runs a batch function for the coming steps on background threads, so training rarely waits for
// data. The function must be a pure function of the step (as BatchSource requires): then the
// batches are the same whatever the thread count, and the trainer may jump to any step (resume).
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "data/batch_source.h"

namespace comicgan::data {

class PrefetchingBatchSource : public BatchSource {
 public:
  using MakeBatch = std::function<TrainingBatch(int64_t step)>;

  // threads == 0: batches are made in batch() itself, nothing ahead. Otherwise `threads`
  // workers keep up to `depth` (>= threads) steps after the last one asked for ready.
  PrefetchingBatchSource(MakeBatch make, int threads, int depth);
  ~PrefetchingBatchSource() override;

  TrainingBatch batch(int64_t step) override;
  double take_wait_seconds() override;

 private:
  struct Result {
    TrainingBatch batch;
    std::exception_ptr error;
  };
  void work();
  bool in_window(int64_t step) const { return step >= wanted_ && step < wanted_ + depth_; }
  int64_t next_to_make();

  MakeBatch make_;
  int depth_;
  std::mutex mutex_;
  std::condition_variable work_cv_, ready_cv_;
  int64_t wanted_ = 0;  // the step batch() will (probably) ask for next
  std::map<int64_t, Result> ready_;
  std::set<int64_t> in_progress_;
  bool stop_ = false;
  double wait_seconds_ = 0;
  std::vector<std::thread> workers_;
};

}  // namespace comicgan::data
