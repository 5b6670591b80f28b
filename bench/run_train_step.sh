#!/usr/bin/env bash
# Training-step throughput, comicgan vs the same step in PyTorch from Python, in the same run.
#   scripts/build -DCOMICGAN_BUILD_BENCH=ON && [BF16_CEILING=1] bench/run_train_step.sh [size=256] [batch=4] [steps=3]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-256} batch=${2:-4} steps=${3:-3} threads=2
"$root/build/bench/train_step_bench" "$size" "$batch" "$steps" "$threads" fp32
"$root/build/bench/train_step_bench" "$size" "$batch" "$steps" "$threads" bf16
# Python in its best configuration here: glibc malloc's mmap/trim thresholds raised.
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967296 \
  /usr/bin/python3 "$root/bench/train_step_pytorch.py" --threads $threads --size "$size" \
  --batch "$batch" --steps "$steps"
/usr/bin/python3 "$root/bench/train_step_pytorch.py" --threads $threads --size "$size" \
  --batch "$batch" --steps "$steps" | sed 's/$/  (glibc malloc defaults)/'
# What bf16 could buy with LibTorch 1.13's own kernels (a ceiling: bf16 networks and gradients,
# no fp32 master weights; reflection padding from slices since 1.13's kernel refuses bf16).
if [ "${BF16_CEILING:-0}" = 1 ]; then
  for layout in "" --channels-last; do
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967296 \
      /usr/bin/python3 "$root/bench/train_step_pytorch.py" --threads $threads --size "$size" \
      --batch "$batch" --steps "$steps" --precision bf16 $layout
  done
fi
