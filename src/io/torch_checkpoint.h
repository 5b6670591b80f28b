// Reads PyTorch checkpoints written by Python's `torch.save(model.state_dict())` (the zip format
// of PyTorch >= 1.6) without Python: the zip container plus the subset of pickle that such files
// use (OrderedDict with _metadata, torch._utils._rebuild_tensor_v2, persistent storage ids,
// float32/float16/bfloat16/float64/integer storages, views with offsets and strides, storages
// shared by several tensors). LibTorch 1.13's own unpickler cannot read these files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/named_tensors.h"

namespace comicgan::io {

struct CheckpointLimits {
  size_t max_file_bytes = size_t(8) << 30;  // 8 GiB
  size_t max_pickle_bytes = size_t(64) << 20;
  size_t max_tensors = 100000;
  size_t max_nesting = 256;  // open pickle MARKs (nested containers)
  size_t max_memo = 1 << 20;
  size_t max_objects = size_t(8) << 20;        // pickled values (ints, strings, tuples, ...)
  size_t max_tensor_bytes = size_t(32) << 30;  // storages read plus tensors copied out of them
  // Views holding more elements than their storage (stride-0 broadcasts, overlapping strides)
  // are what lets a tiny file ask for huge tensors; their copies are limited separately.
  size_t max_expanded_bytes = size_t(256) << 20;
};

// Reads the state_dict in `path`, in the file's key order. Tensors are contiguous CPU tensors of
// the stored dtype, owning their memory. Throws comicgan::Error naming the file and the problem
// (truncated zip, unknown pickle opcode or class, missing storage, bad offsets).
NamedTensors read_torch_checkpoint(const std::string& path, const CheckpointLimits& limits = {});

// The same from bytes already in memory; `label` names them in errors (used by fuzzers).
NamedTensors read_torch_checkpoint_bytes(const uint8_t* data, size_t size, const std::string& label,
                                         const CheckpointLimits& limits = {});

}  // namespace comicgan::io
