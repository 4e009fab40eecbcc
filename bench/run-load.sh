#!/usr/bin/env bash
# Open-model load against `tern run` processes (issue 18): bench/run-load.sh <flood|fetch|mixed|campaign> [key=value ...]
# bench/Tern.Load `load <scenario>` writes two data directories (a.example, b.example: loopback listeners, static peers
# files naming each other), starts `tern run` on each, runs the scenario's baseline against the floor process
# (`Tern.Load load-floor-serve`: the same surfaces with nothing behind them) and then the scenario against the nodes, at
# set arrival rates (open model: sends on a timeline, not as answers come), latency from each send's due time
# (coordinated omission corrected) and from its actual start, in HdrHistogram. Writes perf-reports/load-<scenario>.md
# and its timelines (perf-reports/load-<scenario>.timeline.csv, .floor-timeline.csv); docs/BENCHMARKS.md explains them.
# Defaults finish in about two minutes each on a 2-core machine; settings (key=value, listed in each report) override:
#   flood:    rate=4000 peers=16 records=1 hashes=1000 arrival=poisson warmup=5 seconds=20 seed=18
#   fetch:    blobs=200 size=16384 framed-rate=300 http-rate=300 lanes=8 warmup=5 seconds=20 seed=18
#   mixed:    submit-rate=50 poll-rate=100 fetch-rate=100 size=1024 blobs=100 lanes=8 warmup=5 seconds=20 seed=18
#   campaign: refs=100000 recipients=1000 size=51200 submit-rate=5 legit-rate=20 legit-size=1024 idle-seconds=10
#             warmup=3 lanes=4 file-timeout=120 seed=18   (refs=1000000 for a million references: about 4 minutes)
# Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
scenario="${1:-}"
case "$scenario" in
  flood|fetch|mixed|campaign) shift ;;
  *) echo "usage: bench/run-load.sh <flood|fetch|mixed|campaign> [key=value ...]" >&2; exit 2 ;;
esac
summary_begin "load-$scenario"
report=perf-reports/load-$scenario.md
source bench/load-setup.sh
load_setup load
export TERN_LOAD_COMMAND="bench/run-load.sh $scenario${*:+ $*}, i.e. nice -n 10 dotnet $load load $scenario <dir> $report $tern${*:+ $*}"
echo "work: $work; commit $TERN_LOAD_COMMIT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
out=$(nice -n 10 dotnet "$load" load "$scenario" "$work" "$report" "$tern" "$@" | tee /dev/stderr)
while IFS=$'\t' read -r _ metric tern_value baseline ratio target; do
  summary_row "$metric" "$tern_value" "$baseline" "$ratio" "$target"
done < <(grep '^SUMMARY' <<< "$out" || true)
summary_write
echo "wrote $report"
