#!/usr/bin/env bash
# End-to-end latency through two node processes against its floor, at several message rates: `Tern.Load e2e-nodes` (as
# bench/run-e2e.sh runs it) with E2E_GAP_MS, a pause before each measured message of both sides, Tern's and the floor's
# alike. Back to back (gap 0), every step finds the threads and the cores warm from the message before; a node sees its
# mail a message now and then. The warm-up runs back to back whatever the gap, so both nodes reach optimized code.
#
#   bench/e2e-gap.sh [rounds]      E2E_GAPS (default "0 3 20"), each gap once a round, rounds default 2;
#                                  E2E_COUNT (default 1000) messages of E2E_SIZE (default 1024) bytes a run
#
# Writes perf-reports/e2e-gap.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
source bench/load-setup.sh
report=perf-reports/e2e-gap.md
rounds=${1:-2}
gaps=${E2E_GAPS:-0 3 20}
count=${E2E_COUNT:-1000}
size=${E2E_SIZE:-1024}
load_setup e2e-gap
field() { sed -n "s/^$1 .*\\b$2=\\([0-9.]*\\).*/\\1/p" <<< "$out"; }

rows=()
declare -A ratios
for round in $(seq 1 "$rounds"); do
  for gap in $gaps; do
    before=$(cut -d' ' -f1 /proc/loadavg)
    echo "round $round, gap $gap ms, load $before"
    out=$(E2E_GAP_MS=$gap DOTNET_TC_CallCountingDelayMs=0 nice -n 10 dotnet "$load" e2e-nodes "$work/nodes" "$count" "$size" "$tern")
    echo "$out"
    t50=$(field RESULT p50_ms) t99=$(field RESULT p99_ms) ts=$(field RESULT submit_p50_ms) tseen=$(field RESULT seen_p50_ms)
    f50=$(field BASELINE p50_ms) f99=$(field BASELINE p99_ms) fs=$(field BASELINE submit_p50_ms) fseen=$(field BASELINE seen_p50_ms)
    r=$(ratio "$t50" "$f50")
    ratios[$gap]="${ratios[$gap]:-}${ratios[$gap]:+, }$r"
    warm=$(sed -n 's/^WARMUP //p' <<< "$out")
    rows+=("| $round | $gap | $t50 ($ts + $tseen) | $t99 | $f50 ($fs + $fseen) | $f99 | **$r** | $before–$(cut -d' ' -f1 /proc/loadavg) | $warm |")
    rm -rf "${work:?}/nodes"
  done
done

{
  echo "# End-to-end latency at several message rates"
  echo
  echo "- command: \`bench/e2e-gap.sh $rounds\` (\`E2E_GAPS=\"$gaps\" E2E_COUNT=$count E2E_SIZE=$size\`): per gap and round one run of"
  echo "  \`E2E_GAP_MS=<gap> DOTNET_TC_CallCountingDelayMs=0 nice -n 10 dotnet Tern.Load.dll e2e-nodes <dir> $count $size <tern.dll>\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $TERN_LOAD_COMMIT"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo
  echo "The run of \`perf-reports/e2e.md\` (two \`tern run\` processes; alice's POST → b.example pulls → bob told on his event"
  echo "stream and reading the message; beside it the floor of the same disk and network steps, in alternating blocks of"
  echo "250), with a pause of <gap> ms before each measured message of both sides. The baseline is the floor measured in the"
  echo "same run at the same gap. ms; in brackets the submit part + the seen part."
  echo
  echo "| round | gap ms | Tern p50 | Tern p99 | floor p50 | floor p99 | ratio p50 | load before–after | warm-up (tiering_x: a node still JIT-compiling at its end) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  for gap in $gaps; do
    echo "- gap $gap ms: Tern / floor p50 by round ${ratios[$gap]}"
  done
} > "$report"
echo "wrote $report"
