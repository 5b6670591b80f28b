#include "infer/buffer_pool.h"

#include <algorithm>

namespace comicgan::infer {
namespace {
constexpr int64_t kLine = 64, kPage = 4096;
}  // namespace

// Blocks start at different 64-byte steps (17 lines apart, modulo a page): when activations'
// addresses agreed modulo 4 KiB, the streaming layers (norm, upsampling) hit 4K aliasing and
// 1920x1080 took 12.0 s instead of 9.1 s (bench/RESULTS.md).
BufferPool::Block& BufferPool::free_block(int64_t bytes) {
  Block* best = nullptr;
  for (auto& b : blocks_) {
    const int64_t room = b.memory.numel() - b.offset;
    // Free: only the pool refers to the block's storage.
    if (room >= bytes && b.memory.storage().use_count() == 1 &&
        (!best || room < best->memory.numel() - best->offset))
      best = &b;
  }
  if (!best) {
    Block b;
    b.offset = (allocated_ * 17 * kLine) % kPage;
    const int64_t words = (bytes + kPage + 7) / 8;  // whole 8-byte words: viewable as any type
    b.memory = at::empty({words * 8}, at::TensorOptions().dtype(at::kByte));
    blocks_.push_back(std::move(b));
    ++allocated_;
    best = &blocks_.back();
  }
  best->used = true;
  return *best;
}

at::Tensor BufferPool::nhwc(int64_t channels, int64_t height, int64_t width, at::ScalarType dtype) {
  const int64_t esize = int64_t(c10::elementSize(dtype)), numel = channels * height * width;
  Block& b = free_block(numel * esize);
  // A typed view of the bytes: same storage, so the block stays busy while the view lives.
  return b.memory.view(dtype).as_strided({1, channels, height, width},
                                         {numel, 1, width * channels, channels}, b.offset / esize);
}

void* BufferPool::scratch(size_t bytes) {
  if (bytes == 0) return nullptr;
  scratch_used_ = true;
  if (!scratch_.defined() || size_t(scratch_.numel()) < bytes) {
    scratch_ = at::empty({int64_t(bytes)}, at::TensorOptions().dtype(at::kByte));
    ++allocated_;
  }
  return scratch_.data_ptr();
}

void BufferPool::end_call() {
  blocks_.erase(
      std::remove_if(blocks_.begin(), blocks_.end(),
                     [](const Block& b) { return !b.used && b.memory.storage().use_count() == 1; }),
      blocks_.end());
  for (auto& b : blocks_) b.used = false;
  if (!scratch_used_) scratch_ = at::Tensor();
  scratch_used_ = false;
}

size_t BufferPool::bytes_held() const {
  size_t total = scratch_.defined() ? size_t(scratch_.numel()) : 0;
  for (const auto& b : blocks_) total += size_t(b.memory.numel());
  return total;
}

}  // namespace comicgan::infer
