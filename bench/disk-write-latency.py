#!/usr/bin/env python3
"""One small data-synchronous write at a time, with and without a pause between writes: how this machine's disk
answers an idle writer against a busy one (perf-reports/e2e-notes.md, "The disk write itself").
    bench/disk-write-latency.py [directory]      (default /var/tmp)"""
import mmap
import os
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
    return f"p50 {latencies[len(latencies) // 2]:.3f} ms  p90 {latencies[int(len(latencies) * 0.9)]:.3f} ms"


print("4 KiB O_DIRECT|O_DSYNC at one offset, 1 ms apart :", run(os.O_DIRECT | os.O_DSYNC))
print("4 KiB O_DIRECT|O_DSYNC at one offset, back to back:", run(os.O_DIRECT | os.O_DSYNC, gap=0))
print("4 KiB O_DSYNC (page cache) at one offset, 1 ms apart:", run(os.O_DSYNC))
print("1 KiB append + fdatasync, 1 ms apart             :", run(os.O_APPEND, same_offset=False, sync=os.fdatasync, size=1024))
print("1 KiB append + fsync, 1 ms apart                 :", run(os.O_APPEND, same_offset=False, sync=os.fsync, size=1024))
