#!/usr/bin/python3
"""Sums a chrome://tracing profile (COMICGAN_PROFILE of bench/train_step_bench) by operator:
self time (time not spent in nested operators), most first.
  bench/profile_summary.py TRACE [rows=25]"""
import collections
import json
import sys

events = [e for e in json.load(open(sys.argv[1])) if e.get("ph") == "X"]
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 25
by_thread = collections.defaultdict(list)
for e in events:
    by_thread[e.get("tid")].append(e)
self_us, calls = collections.Counter(), collections.Counter()
for evs in by_thread.values():
    evs.sort(key=lambda e: (e["ts"], -e["dur"]))
    stack = []  # (end, name)
    for e in evs:
        while stack and stack[-1][0] <= e["ts"]:
            stack.pop()
        if stack:
            self_us[stack[-1][1]] -= e["dur"]
        self_us[e["name"]] += e["dur"]
        calls[e["name"]] += 1
        stack.append((e["ts"] + e["dur"], e["name"]))
total = sum(v for v in self_us.values())
print("%-55s %10s %6s %6s" % ("operator", "self ms", "share", "calls"))
for name, us in self_us.most_common(rows):
    print("%-55s %10.1f %5.1f%% %6d" % (name[:55], us / 1e3, 100 * us / total, calls[name]))
print("%-55s %10.1f" % ("total", total / 1e3))
