#!/usr/bin/env python3
"""One small data-synchronous write at a time, with and without a pause between writes: how this machine's disk
answers an idle writer against a busy one (perf-reports/e2e-notes.md, "The disk write itself").
Three rounds of each, alternated; writes perf-reports/disk-write-latency.md.
    bench/disk-write-latency.py [directory]      (default /var/tmp)"""
import datetime
import mmap
import os
import platform
import statistics
import subprocess
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "/var/tmp"
path = os.path.join(directory, "tern-disk-write-latency.bin")
buffer = mmap.mmap(-1, 8192)  # page-aligned, as O_DIRECT asks
buffer.write(b"x" * 8192)


def run(flags, count=1000, gap=0.001, same_offset=True, sync=None, size=4096):
    fd = os.open(path, os.O_RDWR | os.O_CREAT | flags, 0o644)
    if sync is None:
        os.ftruncate(fd, 64 << 20)
    latencies = []
    offset = 0
    try:
        for _ in range(count):
            time.sleep(gap)
            start = time.perf_counter()
            os.pwrite(fd, memoryview(buffer)[:size], offset)
            if sync:
                sync(fd)
            latencies.append((time.perf_counter() - start) * 1e3)
            if not same_offset:
                offset += size
    finally:
        os.close(fd)
        os.unlink(path)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.9)]



cases = [
    ("4 KiB `O_DIRECT\\|O_DSYNC` at one offset, 1 ms apart", lambda: run(os.O_DIRECT | os.O_DSYNC)),
    ("4 KiB `O_DIRECT\\|O_DSYNC` at one offset, back to back", lambda: run(os.O_DIRECT | os.O_DSYNC, gap=0)),
    ("4 KiB `O_DSYNC` through the page cache at one offset, 1 ms apart", lambda: run(os.O_DSYNC)),
    ("4 KiB `O_DSYNC` through the page cache at one offset, back to back", lambda: run(os.O_DSYNC, gap=0)),
    ("1 KiB append + `fdatasync`, 1 ms apart", lambda: run(os.O_APPEND, same_offset=False, sync=os.fdatasync, size=1024)),
]
rounds = 3
results = {name: [] for name, _ in cases}
load_before = open("/proc/loadavg").read().split()[:3]
for r in range(rounds):
    for name, case in cases:
        p50, p90 = case()
        results[name].append((p50, p90))
        print(f"round {r + 1}: {name}: p50 {p50:.3f} ms p90 {p90:.3f} ms", flush=True)
load_after = open("/proc/loadavg").read().split()[:3]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
lines = [
    "# Small data-synchronous writes: an idle writer against a busy one",
    "",
    f"- command: `bench/disk-write-latency.py {directory}` (1000 writes a case and round, {rounds} rounds, the cases alternated)",
    f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%MZ')}; commit: {commit}",
    f"- machine: {os.cpu_count()} cores, {cpu}, {platform.release()}; directory {directory}",
    f"- load average before / after: {' '.join(load_before)} / {' '.join(load_after)}",
    "",
    "Why: Tern's path writes its logs 1–2 ms apart (one message at a time, two processes), the end-to-end floor's three",
    "syncs follow each other within half a millisecond (perf-reports/e2e-notes.md). Baseline: the same write back to back.",
    "",
    "| write | p50 ms by round | p90 ms by round | median p50 |",
    "|---|---|---|---:|",
]
for name, _ in cases:
    p50s = [f"{p:.3f}" for p, _ in results[name]]
    p90s = [f"{q:.3f}" for _, q in results[name]]
    lines.append(f"| {name} | {', '.join(p50s)} | {', '.join(p90s)} | {statistics.median(p for p, _ in results[name]):.3f} |")
idle = statistics.median(p for p, _ in results[cases[0][0]])
busy = statistics.median(p for p, _ in results[cases[1][0]])
lines += ["", f"Direct data-synchronous write, 1 ms apart against back to back: **{idle / busy:.2f}×** ({idle:.3f} against {busy:.3f} ms p50)."]
os.makedirs("perf-reports", exist_ok=True)
with open("perf-reports/disk-write-latency.md", "w") as report:
    report.write("\n".join(lines) + "\n")
print("wrote perf-reports/disk-write-latency.md")
