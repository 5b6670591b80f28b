// The fast path's block pool: reuse while sizes repeat, release what a call did not use.
#include "infer/buffer_pool.h"

#include <gtest/gtest.h>

using comicgan::infer::BufferPool;

TEST(BufferPool, ReusesFreeBlocksAndKeepsBusyOnesApart) {
  BufferPool pool;
  auto a = pool.nhwc(8, 10, 12, at::kFloat);
  auto b = pool.nhwc(8, 10, 12, at::kFloat);
  EXPECT_EQ(pool.blocks_allocated(), 2);
  EXPECT_NE(a.data_ptr(), b.data_ptr());
  EXPECT_TRUE(a.is_contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_EQ(a.sizes(), (std::vector<int64_t>{1, 8, 10, 12}));
  // Blocks start at different steps into a page (against 4K aliasing).
  EXPECT_NE(reinterpret_cast<uintptr_t>(a.data_ptr()) % 4096,
            reinterpret_cast<uintptr_t>(b.data_ptr()) % 4096);
  void* a_data = a.data_ptr();
  a = at::Tensor();  // a's block is free again
  auto c = pool.nhwc(4, 10, 12, at::kBFloat16);
  EXPECT_EQ(c.data_ptr(), a_data);
  EXPECT_EQ(pool.blocks_allocated(), 2);
  c.fill_(1.5);
  b.fill_(-2);
  EXPECT_EQ(c.sum().item<float>(), 1.5f * 4 * 10 * 12);
  EXPECT_EQ(b.sum().item<float>(), -2.0f * 8 * 10 * 12);
}

TEST(BufferPool, EndOfCallReleasesBlocksTheCallDidNotUse) {
  BufferPool pool;
  for (int call = 0; call < 3; ++call) {
    { auto big = pool.nhwc(64, 100, 100, at::kFloat); }
    pool.scratch(1000);
    pool.end_call();
  }
  EXPECT_EQ(pool.blocks_allocated(), 2);  // one block and the scratch, made once
  const size_t big_bytes = pool.bytes_held();
  EXPECT_GE(big_bytes, size_t(64 * 100 * 100 * 4));
  { auto small = pool.nhwc(4, 10, 10, at::kFloat); }  // fits the big block: reused
  pool.end_call();
  EXPECT_EQ(pool.blocks_allocated(), 2);
  pool.end_call();  // a call that used nothing: everything goes
  EXPECT_EQ(pool.bytes_held(), 0u);
  EXPECT_EQ(pool.scratch(0), nullptr);
}
