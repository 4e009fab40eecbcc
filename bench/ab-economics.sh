#!/usr/bin/env bash
# A/B: the recipient's CPU per ignored notification, two builds of `tern` alternated in one run. Each run is the
# economics bench's Tern side alone with nobody pulling (bench/Tern.Economics run --only tern --pull 0: three `tern run`
# nodes, a 20 000-recipient warm-up, a quiet phase, a small and a large campaign with the legitimate traffic paused);
# its line is b.example's marginal CPU µs a notification (the slope between the two sizes), the receive thread's part of
# it, and the figure per notification at each size. Writes perf-reports/ab-economics.md (or $AB_REPORT).
#   bench/ab-economics.sh <base tern output dir> [head output dir] [rounds] [recipients]
# The base directory is a build of the earlier commit, e.g.
#   git worktree add /tmp/base <commit> && dotnet build /tmp/base/hosts/Tern.Cli -c Release   (…/bin/Release/net10.0)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
base=${1:?base build directory (bin/Release/net10.0 of Tern.Cli)}
head=${2:-hosts/Tern.Cli/bin/Release/net10.0}
rounds=${3:-3}
recipients=${4:-100000}
small=$((recipients / 5))
economics=bench/Tern.Economics/bin/Release/net10.0/Tern.Economics.dll
report=${AB_REPORT:-perf-reports/ab-economics.md}
logdir=$(mktemp -d /tmp/tern-ab-economics-XXXXXX)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=() base_m=() head_m=() base_t=() head_t=()
for round in $(seq 1 "$rounds"); do
  for build in base head; do
    bin=$([ "$build" = base ] && echo "$base" || echo "$head")
    out="$logdir/$build-$round"; mkdir -p "$out"
    echo "== round $round $build" >&2
    nice -n 10 dotnet "$economics" run --only tern --out "$out" --tern "$bin/tern.dll" --recipients "$recipients" --small-recipients "$small" \
      --pull 0 --warmup "${WARMUP:-10}" --idle "${IDLE:-5}" > "$out/log" 2>&1
    read -r marginal thread large smallus < <(dotnet "$economics" slope --tern-json "$out/tern.json")
    rows+=("| $round | $build | $marginal | $thread | $large | $smallus | $(cut -d' ' -f1 /proc/loadavg) |")
    if [ "$build" = base ]; then base_m+=("$marginal"); base_t+=("$thread"); else head_m+=("$marginal"); head_t+=("$thread"); fi
  done
done
{
  echo "# A/B: the recipient's CPU per ignored notification"
  echo
  echo "- command: \`bench/ab-economics.sh $base $head $rounds $recipients\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); head commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average at start / end: $load_start / $(cut -d' ' -f1-3 /proc/loadavg) (shared: other builds and benchmarks ran alongside)"
  echo "- each run: \`Tern.Economics run --only tern --pull 0 --recipients $recipients --small-recipients $small\`, base and head alternated; b.example's CPU net of the quiet phase's background"
  echo
  echo "| round | build | marginal µs/notification | of it receive thread µs | µs/notification at $recipients | at $small | 1-min load after |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Medians: marginal base $(median "${base_m[@]}") µs, head $(median "${head_m[@]}") µs (head / base $(ratio "$(median "${head_m[@]}")" "$(median "${base_m[@]}")")); receive thread base $(median "${base_t[@]}") µs, head $(median "${head_t[@]}") µs."
} > "$report"
cat "$report"
echo "logs in $logdir" >&2
