// The fast path's memory: blocks reused from one call to the next, so that in steady state (the
// same picture size call after call, as in a video or a folder of one camera's photos) a forward
// pass allocates no activation, convolution output or scratch memory. A block is free again when
// no tensor views it; after each call the blocks that call did not use are let go, so a change of
// picture size does not keep the old size's memory.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace comicgan::infer {

class BufferPool {
 public:
  // A dense NHWC (1, channels, height, width) tensor of `dtype` in a free block.
  at::Tensor nhwc(int64_t channels, int64_t height, int64_t width, at::ScalarType dtype);
  // At least `bytes` of scratch memory (nullptr for 0), valid until end_call().
  void* scratch(size_t bytes);
  // Ends a forward pass: blocks not used since the last end_call() are released.
  void end_call();

  int64_t blocks_allocated() const { return allocated_; }  // over the pool's life (for tests)
  size_t bytes_held() const;

 private:
  struct Block {
    at::Tensor memory;   // bytes
    int64_t offset = 0;  // where views start: a 64-byte step into the first 4 KiB
    bool used = false;
  };
  Block& free_block(int64_t bytes);
  std::vector<Block> blocks_;
  at::Tensor scratch_;
  bool scratch_used_ = false;
  int64_t allocated_ = 0;
};

}  // namespace comicgan::infer
