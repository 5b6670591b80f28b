// libFuzzer target: PyTorch checkpoints (zip container + pickle subset).
#include "fuzz_target.h"
#include "io/torch_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return comicgan::fuzz::run_reader([&] {
    comicgan::io::CheckpointLimits limits;
    limits.max_file_bytes = 1 << 20;
    limits.max_tensor_bytes = 64 << 20;  // stride-0 views may legally outgrow the file
    comicgan::io::read_torch_checkpoint_bytes(data, size, "fuzz.pt", limits);
  });
}
