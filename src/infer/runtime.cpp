#include "infer/runtime.h"

#include <malloc.h>
#include <sched.h>

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

namespace comicgan {
namespace {

// cgroup v2 "cpu.max" holds "QUOTA PERIOD" or "max PERIOD"; v1 has two files.
double cgroup_cpu_limit() {
  std::ifstream v2("/sys/fs/cgroup/cpu.max");
  std::string quota;
  double period = 0;
  if (v2 >> quota >> period && quota != "max" && period > 0) return std::stod(quota) / period;
  std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");
  double qv = 0, pv = 0;
  if (q >> qv && p >> pv && qv > 0 && pv > 0) return qv / pv;
  return 0;
}

}  // namespace

int available_cores() {
  int cores = 1;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cores = std::max(1, CPU_COUNT(&set));
  double limit = cgroup_cpu_limit();
  if (limit > 0) cores = std::min(cores, std::max(1, int(std::ceil(limit))));
  return cores;
}

void set_media_threads(int threads);  // OpenCV's pool; defined in runtime_media.cpp or below

void configure_runtime(int threads) {
  if (threads <= 0) threads = available_cores();
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, int(std::min<long>(long(1) << 31, 0x7fffffff)));
  at::set_num_threads(threads);
  set_media_threads(threads);
}

#ifndef COMICGAN_WITH_MEDIA
void set_media_threads(int) {}
#endif

}  // namespace comicgan
