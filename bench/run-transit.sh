#!/usr/bin/env bash
# Transit store benchmarks (bench/Tern.Load), each beside a baseline run in the same script, back to back:
#  (a) durable 1 KiB submissions/s with many concurrent submitters (group commit), beside dd writing 1 KiB records
#      with one fdatasync each (what a store without group commit could at best do on this disk);
#  (b) write MB/s of one 1 GiB blob, beside `dd bs=1M count=1024 conv=fdatasync` into the same directory.
#      Three alternating pairs, because this shared machine's disk throughput drifts from second to second.
# Writes perf-reports/transit.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/transit.md
seconds="${SUBMIT_SECONDS:-10}"
concurrency="${SUBMIT_CONCURRENCY:-256}"
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-transit-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }

result() { sed -n 's/.*RESULT.* '"$2"'=\([0-9.]*\).*/\1/p' <<< "$1"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# (a) submissions
echo "submissions: $seconds s, $concurrency submitters, 1 KiB blobs"
out=$(dotnet "$load" transit-submit "$work/submit" "$seconds" "$concurrency" 1024)
echo "$out"
submits=$(result "$out" per_second)
per_commit=$(result "$out" per_commit)
rm -rf "$work/submit"
dsync_count=2000
start=$(date +%s.%N)
dd if=/dev/zero of="$work/dsync.bin" bs=1k count=$dsync_count oflag=dsync status=none
end=$(date +%s.%N)
dsync_rate=$(python3 -c "print(round($dsync_count / max($end - $start, 0.001)))")
rm -f "$work/dsync.bin"
submit_ratio=$(python3 -c "print(f'{$submits / $dsync_rate:.1f}')")

# (b) one 1 GiB blob, alternating with dd
rows=""
ratios=()
for i in 1 2 3; do
  dd_out=$(dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)
  rm -f "$work/dd.bin"
  dd_mbs=$(python3 -c "import re,sys; m=re.search(r'copied, ([0-9.]+) s', sys.argv[1]); print(round(1024/float(m.group(1))))" "$dd_out")
  out=$(dotnet "$load" transit-blob "$work/blob" 1024)
  echo "$out"
  rm -rf "$work/blob"
  tern_mbs=$(result "$out" mb_per_second)
  ratio=$(python3 -c "print(f'{$tern_mbs / $dd_mbs:.2f}')")
  ratios+=("$ratio")
  rows+="| $i | $dd_mbs | $tern_mbs | $ratio |"$'\n'
  echo "pair $i: dd $dd_mbs MB/s, tern $tern_mbs MB/s, ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n 2p)

{
  echo "# Transit store benchmarks"
  echo
  echo "- command: \`bench/run-transit.sh\` (after \`make build\`)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before the run: $load_before (other work shares this machine; figures drift between runs)"
  echo "- disk: $(df -h "$work" | awk 'NR==2 {print $1 ", " $2 " total"}'), directory $(dirname "$work")"
  echo "- store options: defaults (blob pages 4 MiB, 32 MiB buffer per bucket, 256 KiB chunks, journal pages 1 MiB)"
  echo
  echo "## (a) Durable 1 KiB submissions, $concurrency concurrent submitters, $seconds s"
  echo
  echo "Acknowledged only after the bucket log and the journal are committed (group commit). Target ≥ 20k/s."
  echo
  echo "| what | per second | ratio |"
  echo "|---|---|---|"
  echo "| baseline: \`dd bs=1k count=$dsync_count oflag=dsync\` (one durable 1 KiB write per sync) | $dsync_rate | 1.0 |"
  echo "| Tern \`SubmitAsync\`, 1 KiB, 1 recipient ($per_commit submissions per commit) | $submits | $submit_ratio |"
  echo
  echo "## (b) One 1 GiB blob: write MB/s (streamed, chunked, BLAKE2b-256 while streaming, committed)"
  echo
  echo "Baseline: \`dd if=/dev/zero of=<same dir>/dd.bin bs=1M count=1024 conv=fdatasync\`, run just before each Tern run. Target ratio ≥ 0.8."
  echo
  echo "| pair | dd MB/s | Tern MB/s | ratio |"
  echo "|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Median ratio: **$median**."
} > "$report"
echo "wrote $report"
