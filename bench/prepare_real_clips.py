"""Cuts real clips (scripts/get-demo-video) to a common shape for the flicker bench:
the first N frames, scaled to at most W pixels wide (even sizes), at the clip's own frame rate,
written lossless (FFV1 in .mkv) so the bench's input carries no new compression noise.
OpenCV reads every source here (comicgan's reader takes .mp4 .mkv .webm .mov, not AVI).
  /usr/bin/python3 bench/prepare_real_clips.py OUT_DIR CLIP... [--frames 60] [--width 640]
"""
import argparse
import os
import sys

import cv2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("clips", nargs="+")
    ap.add_argument("--frames", type=int, default=60)
    ap.add_argument("--width", type=int, default=640)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for clip in args.clips:
        cap = cv2.VideoCapture(clip)
        if not cap.isOpened():
            sys.exit(f"prepare_real_clips: cannot open {clip}")
        fps = cap.get(cv2.CAP_PROP_FPS)
        w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        scale = min(1.0, args.width / w)
        size = (int(w * scale) // 2 * 2, int(h * scale) // 2 * 2)
        name = os.path.splitext(os.path.basename(clip))[0]
        path = os.path.join(args.out, name + ".mkv")
        out = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"FFV1"), fps, size)
        count = 0
        while count < args.frames:
            ok, frame = cap.read()
            if not ok:
                break
            if frame.shape[1] != size[0] or frame.shape[0] != size[1]:
                frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
            out.write(frame)
            count += 1
        out.release()
        print(f"{name}\t{size[0]}x{size[1]}\t{fps:.3f}\t{count}")


if __name__ == "__main__":
    main()
