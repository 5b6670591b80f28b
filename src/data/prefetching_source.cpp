#include "data/prefetching_source.h"

#include <chrono>

#include "comicgan/error.h"

namespace comicgan::data {

PrefetchingBatchSource::PrefetchingBatchSource(MakeBatch make, int threads, int depth)
    : make_(std::move(make)), depth_(std::max(depth, threads)) {
  check(threads >= 0, "data loader: thread count must be >= 0, got ", threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

PrefetchingBatchSource::~PrefetchingBatchSource() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

// The first step of the window neither ready nor being made, or -1 when the window is full.
int64_t PrefetchingBatchSource::next_to_make() {
  for (int64_t s = wanted_; s < wanted_ + depth_; ++s)
    if (!ready_.count(s) && !in_progress_.count(s)) return s;
  return -1;
}

void PrefetchingBatchSource::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    int64_t step = -1;
    work_cv_.wait(lock, [&] { return stop_ || (step = next_to_make()) >= 0; });
    if (stop_) return;
    in_progress_.insert(step);
    lock.unlock();
    Result result;
    try {
      result.batch = make_(step);
    } catch (...) {
      result.error = std::current_exception();
    }
    lock.lock();
    in_progress_.erase(step);
    // A batch for a step the trainer has moved past (or jumped away from) is dropped.
    if (in_window(step)) ready_[step] = std::move(result);
    ready_cv_.notify_all();
  }
}

TrainingBatch PrefetchingBatchSource::batch(int64_t step) {
  if (workers_.empty()) {
    auto start = std::chrono::steady_clock::now();
    TrainingBatch b = make_(step);
    wait_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return b;
  }
  auto start = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  if (step != wanted_) {
    wanted_ = step;
    for (auto it = ready_.begin(); it != ready_.end();)
      it = in_window(it->first) ? std::next(it) : ready_.erase(it);
    work_cv_.notify_all();
  }
  ready_cv_.wait(lock, [&] { return ready_.count(step) > 0; });
  Result result = std::move(ready_[step]);
  ready_.erase(step);
  wanted_ = step + 1;
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  lock.unlock();
  work_cv_.notify_all();
  if (result.error) std::rethrow_exception(result.error);
  return std::move(result.batch);
}

double PrefetchingBatchSource::take_wait_seconds() {
  std::lock_guard<std::mutex> lock(mutex_);
  double s = wait_seconds_;
  wait_seconds_ = 0;
  return s;
}

}  // namespace comicgan::data
