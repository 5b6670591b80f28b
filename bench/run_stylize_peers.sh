#!/usr/bin/env bash
# Stylizing speed, comicgan (fast fp32/bf16 and the plain LibTorch module rows) and the Python
# port, one after the other in the same run, each in its best configuration: 2 threads, glibc
# malloc thresholds raised (comicgan does that itself; Python gets them through GLIBC_TUNABLES).
#   bench/run_stylize_peers.sh [sizes=256x256,512x512,1280x720,1920x1080]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sizes=${1:-256x256,512x512,1280x720,1920x1080}
# The issue's goals are for the full AnimeGANv2 generator, not the shipped (lighter) default model.
model=$(mktemp --suffix=.cgm)
trap 'rm -f "$model"' EXIT
"$root/build/comicgan" bench --write-random-model "$model" --architecture animegan2 >/dev/null
uptime
"$root/build/comicgan" bench --model "$model" --threads 2 --precision fp32,bf16 --sizes "$sizes"
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967296 \
  /usr/bin/python3 "$root/bench/stylize_pytorch.py" --threads 2 --sizes "$sizes"
uptime
