#!/usr/bin/env bash
# How long each benchmark took, so that `make bench`'s duration comes from a record rather than from memory: each
# bench-<name> target runs its script through `run`, which prints and records the script's wall time;
# bench/table.sh lists the records under the one table (perf-reports/README.md) beside each script's budget
# (bench/budgets.tsv) and their total.
#   bench/durations.sh begin                    make bench's first step: a fresh list, with the start time and machine
#   bench/durations.sh run <name> <command...>  runs the command, prints and records its wall time, exits with its status
# The list is perf-reports/summary/durations.tsv, tab-separated: a "begin" line (start in Unix seconds, UTC date,
# machine), then one line per script: name, wall seconds, end in Unix seconds, UTC date, exit status. A script run
# again (alone, `make bench-<name>`) replaces its own line, whose date then says it is not from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
list=perf-reports/summary/durations.tsv
mkdir -p "$(dirname "$list")"
machine() { echo "$(nproc) cores $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)"; }

case "${1:-}" in
  begin)
    printf 'begin\t%s\t%s\t%s\n' "$(date +%s)" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(machine)" > "$list"
    ;;
  run)
    [ $# -ge 3 ] || { echo "usage: bench/durations.sh run <name> <command...>" >&2; exit 2; }
    name=$2; shift 2
    start=$(date +%s.%N)
    status=0
    "$@" || status=$?
    end=$(date +%s.%N)
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
    echo "bench $name: $seconds s ($(awk -v s="$seconds" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }')), exit status $status"
    # Replace the script's own line, keep the others in their order.
    touch "$list"
    grep -v -P "^\Q$name\E\t" "$list" > "$list.tmp" || true
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$seconds" "${end%.*}" "$(date -u +%Y-%m-%dT%H:%MZ)" "$status" >> "$list.tmp"
    mv "$list.tmp" "$list"
    exit "$status"
    ;;
  *)
    echo "usage: bench/durations.sh begin | run <name> <command...>" >&2
    exit 2
    ;;
esac
