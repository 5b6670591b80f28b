// Process-wide runtime set-up that every entry point (CLI, library users, benches) should call
// once: thread counts for LibTorch (OpenMP) and OpenCV (TBB), and glibc malloc thresholds.
//
// Why malloc: glibc returns every large block to the kernel by default, so each big tensor costs
// page faults on the next allocation; raising the mmap/trim thresholds made the AnimeGANv2
// generator 7x faster at 512x512 and a training step 3.3x faster on these machines.
#pragma once

#include "comicgan/comicgan.h"  // declares configure_runtime(int threads = 0)

namespace comicgan {

// The cores this process may use: the affinity mask, capped by the cgroup CPU quota.
int available_cores();

}  // namespace comicgan
