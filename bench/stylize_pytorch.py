"""The Python port as users run it (PyTorch eager, NCHW, the AnimeGANv2 generator of
tests/fixtures/animegan2/make_fixtures.py), timed at the sizes `comicgan bench` uses: the peer
row of bench/RESULTS.md. Best of --runs after one warm-up, seconds per image (wall and CPU of all threads).
Run it through bench/run_stylize_peers.sh, which also gives it tuned malloc thresholds."""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "animegan2"))
from make_fixtures import Generator  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sizes", default="256x256,512x512,1280x720,1920x1080")
    p.add_argument("--runs", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    g = Generator().eval()
    for item in a.sizes.split(","):
        w, h = (int(v) for v in item.split("x"))
        x = torch.rand(1, 3, h, w) * 2 - 1
        best, best_cpu = float("inf"), float("inf")
        with torch.inference_mode():
            for i in range(a.runs + 1):
                t, c = time.perf_counter(), time.process_time()
                g(x)
                if i > 0:
                    best = min(best, time.perf_counter() - t)
                    best_cpu = min(best_cpu, time.process_time() - c)
        print(f"{w}x{h}  pytorch-python fp32  {best:.3f} s/image  {best_cpu:.2f} cpu s/image  "
              f"threads={a.threads}", flush=True)


if __name__ == "__main__":
    main()
