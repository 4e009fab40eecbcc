#!/usr/bin/env bash
# A/B: what the pending table stores per reference, before and after a change. Fills a fresh table with each build's
# Tern.PendingBench (`table … --checkpoint`, default options, as bench/run-pending.sh's one-writer row), alternating
# base and head ROUNDS times, and reports each store's bytes on disk after the checkpoint (log / index copy), RSS,
# insert rate and warm poll latency. Writes perf-reports/pending-state.md.
#   bench/ab-pending-state.sh <base Tern.PendingBench output dir> [head output dir] [refs] [rounds]
# REFS_PER_HASH (4) files that many references a hash: 1 is a campaign's shape, every recipient a fresh hash.
# SIZED_FOR (0: the defaults' 1.2 GB of indexes) sizes the table for that many references (PendingTableOptions.ForReferences),
# as the spam-economics bench sizes b.example; both builds must know the option (a base from before it ignores it).
# The base directory is a build of the earlier commit, e.g.
#   git worktree add /tmp/base <commit> && dotnet build /tmp/base/bench/Tern.PendingBench -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?base build directory (bin/Release/net10.0 of Tern.PendingBench)}
head=${2:-bench/Tern.PendingBench/bin/Release/net10.0}
refs=${3:-10000000}
rounds=${4:-1}
polls=${POLLS:-100000}
per_hash=${REFS_PER_HASH:-4}
sized_for=${SIZED_FOR:-0}
sizing=$([ "$sized_for" -gt 0 ] && echo " --sized-for $sized_for" || true)
DATA_ROOT=${DATA_ROOT:-/tmp}
report=perf-reports/pending-state.md
logdir=$(mktemp -d /tmp/tern-pending-state-XXXXXX)
get() { grep "^result mode=$2 " "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }
per() { awk -v b="$1" -v n="$refs" 'BEGIN { printf "%.1f", b / n }'; }
bytes() { find "$1" -path "$2" -type f -printf '%s\n' 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for round in $(seq 1 "$rounds"); do
  for build in base head; do
    dir=$(mktemp -d "$DATA_ROOT/tern-pending-state-XXXXXX")
    bin=$([ "$build" = base ] && echo "$base" || echo "$head")
    log="$logdir/$build-$round.log"
    echo "== round $round $build" >&2
    nice -n 10 dotnet "$bin/Tern.PendingBench.dll" table --dir "$dir" --refs "$refs" --writers 1 --refs-per-hash "$per_hash" --polls "$polls" --timeout-s 1200 --checkpoint$sizing > "$log"
    total=$(du -sb "$dir" | cut -f1)
    cells="| $round | $build | $(per "$total") |"
    for store in refs capabilities recipients; do
      cells+=" $(per "$(bytes "$dir" "$dir/$store/hlog.log*")") / $(per "$(bytes "$dir" "$dir/$store/checkpoints/*")") |"
    done
    cells+=" $(per "$(bytes "$dir" "$dir/profiles.bin")") | $(per "$(get "$log" insert rss)") | $(get "$log" insert inserts_per_s) | $(get "$log" poll p50_us) / $(get "$log" poll p99_us) |"
    rows+=("$cells")
    rm -rf "$dir"
  done
done
{
  echo "# A/B: the pending table's bytes per reference"
  echo
  echo "- command: \`REFS_PER_HASH=$per_hash SIZED_FOR=$sized_for bench/ab-pending-state.sh $base $head $refs $rounds\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); head commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average at start / end: $load_start / $(cut -d' ' -f1-3 /proc/loadavg) (shared: other builds and benchmarks ran alongside)"
  echo "- each run: \`Tern.PendingBench table --refs $refs --writers 1 --refs-per-hash $per_hash --polls $polls --checkpoint$sizing\` into a fresh directory ($([ "$sized_for" -gt 0 ] && echo "\`PendingTableOptions.ForReferences($sized_for)\`" || echo "default \`PendingTableOptions\`: indexes 512 + 512 + 128 MiB")), then the files measured; bytes are divided by $refs references"
  echo
  echo "| round | build | disk B/ref, all | refs: log / checkpoint B/ref | capabilities: log / checkpoint | recipients: log / checkpoint | profiles.bin | RSS B/ref | inserts/s | poll p50 / p99 µs |"
  echo "|---:|---|---:|---|---|---|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} > "$report"
echo "wrote $report (logs in $logdir)"
