#!/usr/bin/env bash
# Prints the markdown table of perf-reports/fuzz.md from finished fuzz.sh runs (docs/FUZZING.md).
#
#   tests/Tern.Fuzz/report.sh <fuzz-out-dir>...    e.g. artifacts/fuzz, or the folders of runs made side by side
#
# One row per target found under <dir>/runs/: afl-fuzz's own figures from fuzzer_stats, and the coverage baseline measured
# here, now, with the same instrumented build (<dir>/bin): the edges afl-showmap sees for the seeds alone against those
# for the corpus kept in tests/fuzz-corpus/<target>/ after the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
dotnet=$(command -v dotnet)

edges() { # <out> <target> <input-dir>
  afl-showmap -C -i "$3" -o /dev/null -t 5000 -m none -- "$dotnet" "$1/bin/Tern.Fuzz.dll" run "$2" 2>&1 \
    | sed -n 's/.*A coverage of \([0-9]*\) edges.*/\1/p'
}

echo "| target | run (s) | executions | execs/s | edges: seeds → kept corpus | ratio | afl edges_found | map density | corpus (queue → kept) | crashes | hangs | stability |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for out in "$@"; do
  for run in "$out"/runs/*/; do
    target=$(basename "$run")
    stats="$run/default/fuzzer_stats"
    [ -f "$stats" ] || continue
    stat() { awk -v k="$1" '$1 == k { print $3 }' "$stats"; }
    seeds=$(edges "$out" "$target" "$out/seeds/$target")
    kept=$(edges "$out" "$target" "tests/fuzz-corpus/$target")
    files=$(find "tests/fuzz-corpus/$target" -type f | wc -l)
    ratio=$(awk -v a="$seeds" -v b="$kept" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')
    rate=$(awk -v e="$(stat execs_done)" -v t="$(stat run_time)" 'BEGIN { if (t > 0) printf "%.0f", e / t; else print "-" }')
    printf '| %s | %s | %s | %s | %s → %s | %s | %s | %s | %s → %s | %s | %s | %s |\n' "$target" "$(stat run_time)" "$(stat execs_done)" "$rate" \
      "$seeds" "$kept" "$ratio" "$(stat edges_found)" "$(stat bitmap_cvg)" "$(stat corpus_count)" "$files" "$(stat saved_crashes)" "$(stat saved_hangs)" "$(stat stability)"
  done
done
