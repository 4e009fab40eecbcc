#!/usr/bin/env bash
# Pending-table benchmark (bench/Tern.PendingBench): insert rate with 1 and 2 writers, warm poll latency, resident
# memory per reference at 10M, a bounded run towards 100M (RSS must stay <= 4 GB), and the in-memory Dictionary
# baseline in the same run. Writes perf-reports/pending.md. Each measurement is its own process (clean RSS).
#   REFS=10000000 LARGE_REFS=100000000 LARGE_TIMEOUT_S=1080 LARGE_REFS_PER_HASH=50 bench/run-pending.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin pending
source bench/stats.sh
REFS=${REFS:-10000000}
REFS_PER_HASH=${REFS_PER_HASH:-4}
LARGE_REFS=${LARGE_REFS:-100000000}
LARGE_REFS_PER_HASH=${LARGE_REFS_PER_HASH:-50}
LARGE_TIMEOUT_S=${LARGE_TIMEOUT_S:-1080}
POLLS=${POLLS:-100000}
# At 100M the references (~35 GB) exceed the page cache, so each polled reference is a disk read: fewer polls.
LARGE_POLLS=${LARGE_POLLS:-3000}
DATA_ROOT=${DATA_ROOT:-/tmp}
report=perf-reports/pending.md
logdir=$(mktemp -d /tmp/tern-pending-bench-log-XXXXXX)
bench="dotnet bench/Tern.PendingBench/bin/Release/net10.0/Tern.PendingBench.dll"
command="REFS=$REFS LARGE_REFS=$LARGE_REFS LARGE_POLLS=$LARGE_POLLS LARGE_TIMEOUT_S=$LARGE_TIMEOUT_S LARGE_REFS_PER_HASH=$LARGE_REFS_PER_HASH bench/run-pending.sh"

# Expects a build (make build, which `make bench-pending` runs first), as the other scripts do.
[ -f bench/Tern.PendingBench/bin/Release/net10.0/Tern.PendingBench.dll ] || { echo "build first: Tern.PendingBench.dll missing (make build)"; exit 1; }

# key=value from the "result mode=<mode>" line of a log
get() { grep "^result mode=$2 " "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }

run_table() { # name refs writers refs_per_hash polls timeout [--checkpoint]
  local name=$1 dir
  dir=$(mktemp -d "$DATA_ROOT/tern-pendingbench-XXXXXX")
  echo "== $name: $*" | tee -a "$logdir/all.log"
  local started=$SECONDS
  $bench table --dir "$dir" --refs "$2" --writers "$3" --refs-per-hash "$4" --polls "$5" --timeout-s "$6" ${7:-} | tee "$logdir/$name.log" | tee -a "$logdir/all.log" || echo "run $name failed or was stopped" | tee -a "$logdir/$name.log"
  echo "wall_s=$((SECONDS - started))" >> "$logdir/$name.log"
  du -sb "$dir" | cut -f1 > "$logdir/$name.disk"
  rm -rf "$dir"
}

# The large run needs ~380 B of disk per reference (plus a checkpoint) in DATA_ROOT: scale it down to what fits,
# with 5 GB to spare, rather than fill the disk; the report shows how many references it reached.
free_bytes=$(df -B1 --output=avail "$DATA_ROOT" | tail -1)
fit_refs=$(( (free_bytes - 5 * 1024 * 1024 * 1024) / 400 ))
if [ "$fit_refs" -lt "$LARGE_REFS" ]; then
  echo "only $((free_bytes / 1024 / 1024 / 1024)) GB free in $DATA_ROOT: the large run is cut from $LARGE_REFS to $((fit_refs > 0 ? fit_refs : 0)) references" >&2
  LARGE_REFS=$(( fit_refs > 0 ? fit_refs : 0 ))
fi

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
df_before=$(df -h /tmp /work | tail -n +2 | awk '{ print $6 ": " $4 " free of " $2 }' | paste -sd ';' -)
echo "free disk: $df_before"

echo "== baseline" | tee -a "$logdir/all.log"
$bench baseline --refs "$REFS" --refs-per-hash "$REFS_PER_HASH" | tee "$logdir/baseline.log"
run_table one "$REFS" 1 "$REFS_PER_HASH" "$POLLS" 1200 --checkpoint
# Two writers (a row for comparison, not a headline: the ingest inserts from one thread) only with BENCH_FULL=1 or
# PENDING_TWO=1: about 80 s of make bench's budget.
if [ "${BENCH_FULL:-}" = 1 ] || [ "${PENDING_TWO:-}" = 1 ]; then
  run_table two "$REFS" 2 "$REFS_PER_HASH" 0 1200
fi
run_table large "$LARGE_REFS" 1 "$LARGE_REFS_PER_HASH" "$LARGE_POLLS" "$LARGE_TIMEOUT_S" --checkpoint
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

b_rate=$(get "$logdir/baseline.log" baseline inserts_per_s); b_rss=$(get "$logdir/baseline.log" baseline rss)
o_rate=$(get "$logdir/one.log" insert inserts_per_s); o_rss=$(get "$logdir/one.log" insert rss); o_open=$(get "$logdir/one.log" insert rss_open)
t_rate=$([ -f "$logdir/two.log" ] && get "$logdir/two.log" insert inserts_per_s || true)
l_refs=$(get "$logdir/large.log" insert refs); l_rate=$(get "$logdir/large.log" insert inserts_per_s)
l_hwm=$(grep -h "^result" "$logdir/large.log" | tr ' ' '\n' | sed -n 's/^hwm=//p' | sort -n | tail -1)
l_complete=$(get "$logdir/large.log" insert complete)

{
  echo "# Pending table benchmark"
  echo
  echo "- command: \`$command\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), .NET $(dotnet --version)"
  echo "- load average at start / end: $load_start / $load_end (shared machine: other builds and benchmarks may run alongside)"
  echo "- free disk before: $df_before"
  echo "- table: default \`PendingTableOptions\` (indexes 512+512+128 MiB, log memory 3 × 256 MiB, 4 MiB pages), data in \`$DATA_ROOT\`, one process per row"
  echo "- references: random 32-byte capabilities, recipient hash uniform over refs / refs-per-hash hashes, 1000 sender domains (so 1000 sender profiles), stored values of ~84 bytes (reference format 2; format 1 took ~200)"
  echo "- baseline: \`Dictionary<Bytes32, byte[]>\` (capability → a 170-byte value, TryAdd), same keys, same process type, same run"
  echo "- polls: cursor 0, limit 100, on the hash of a random inserted reference (so each polled hash holds ≥ 1 reference; mean page = refs-per-hash + 1); $POLLS warm-up polls, then $POLLS measured, one thread. Most references are on disk (the OS page cache holds the files: RSS does not count it)"
  echo
  echo "| measurement | pending table | baseline (Dictionary) | ratio table / baseline |"
  echo "|---|---|---|---|"
  echo "| inserts/s, 1 writer, $REFS refs ($REFS_PER_HASH per hash) | $o_rate | $b_rate | $(ratio "$o_rate" "$b_rate") |"
  if [ -n "$t_rate" ]; then
    echo "| inserts/s, 2 writers, $REFS refs | $t_rate | — | $(ratio "$t_rate" "$b_rate") (2 writers / 1 writer: $(ratio "$t_rate" "$o_rate")) |"
  else
    echo "| inserts/s, 2 writers | not run (BENCH_FULL=1 or PENDING_TWO=1 runs it) | — | — |"
  fi
  echo "| RSS at $REFS refs | $(mib "$o_rss") ($(ratio "$o_rss" "$REFS") B/ref; $(ratio "$((o_rss - o_open))" "$REFS") B/ref above the opened empty table) | $(mib "$b_rss") ($(ratio "$b_rss" "$REFS") B/ref) | $(ratio "$o_rss" "$b_rss") |"
  echo "| disk at $REFS refs (after checkpoint) | $(mib "$(cat "$logdir/one.disk")") ($(ratio "$(cat "$logdir/one.disk")" "$REFS") B/ref) | — | — |"
  echo "| poll p50 / p99 / p99.9, warm, $(get "$logdir/one.log" poll refs_per_poll) refs per poll | $(get "$logdir/one.log" poll p50_us) / $(get "$logdir/one.log" poll p99_us) / $(get "$logdir/one.log" poll p999_us) µs | — | — |"
  echo "| checkpoint at $REFS refs | $(get "$logdir/one.log" checkpoint seconds) s | — | — |"
  echo
  echo "## Towards 100M (1 writer, $LARGE_REFS_PER_HASH refs per hash, bounded to $LARGE_TIMEOUT_S s of inserts, $LARGE_POLLS warm-up + $LARGE_POLLS measured polls)"
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| references inserted | $l_refs of $LARGE_REFS ($([ "$l_complete" = 1 ] && echo complete || echo 'stopped at the time bound')) |"
  echo "| insert time / rate | $(get "$logdir/large.log" insert seconds) s / $l_rate inserts/s |"
  echo "| RSS after inserts / peak (VmHWM) | $(mib "$(get "$logdir/large.log" insert rss)") / $(mib "$l_hwm") ($(ratio "$(get "$logdir/large.log" insert rss)" "$l_refs") B/ref) — budget 4096 MiB: $([ "$l_hwm" -le 4294967296 ] && echo within || echo EXCEEDED) |"
  echo "| disk after checkpoint | $(mib "$(cat "$logdir/large.disk")") ($(ratio "$(cat "$logdir/large.disk")" "$l_refs") B/ref) |"
  echo "| poll p50 / p99 / p99.9 (warm, $(get "$logdir/large.log" poll refs_per_poll) refs per poll) | $(get "$logdir/large.log" poll p50_us) / $(get "$logdir/large.log" poll p99_us) / $(get "$logdir/large.log" poll p999_us) µs |"
  echo "| checkpoint | $(get "$logdir/large.log" checkpoint seconds) s |"
  echo "| wall time of the run | $(sed -n 's/^wall_s=//p' "$logdir/large.log") s |"
  echo
  # The reading of the figures is kept beside the report and appended to it.
  [ -f perf-reports/pending-notes.md ] && cat perf-reports/pending-notes.md
  echo
  echo "Progress of the large run (refs, elapsed s, RSS bytes):"
  echo
  echo '```'
  grep -h "^progress" "$logdir/large.log" || true
  echo '```'
} > "$report"
echo "wrote $report (raw logs in $logdir)"
summary_row "pending-table inserts/s, $REFS references, 1 writer (Tern ÷ Dictionary)" "$o_rate/s" "\`Dictionary<Bytes32, byte[]>\` $b_rate/s" "$(ratio "$o_rate" "$b_rate")" "—"
l_p99=$(get "$logdir/large.log" poll p99_us)
summary_row "pending-table poll p99 at $l_refs references (target ÷ Tern)" "$l_p99 µs, peak RSS $(mib "$l_hwm")" "— (1 ms target; 4 GiB budget)" "$(ratio 1000 "$l_p99")" "p99 < 1 ms, RSS ≤ 4 GiB"
summary_write
