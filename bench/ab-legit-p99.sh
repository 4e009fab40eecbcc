#!/usr/bin/env bash
# A/B: the legitimate sender's latency during a campaign (issue 18's "legitimate p99 during the campaign ≤ 2× idle"),
# two builds of `tern` alternated in one run. Each run is the economics bench's Tern side alone (bench/Tern.Economics
# run --only tern: three `tern run` nodes, a warm-up campaign, the idle phase with alice sending to bob every 100 ms,
# then one campaign at each pull rate with alice still sending); its line is alice → bob's p50 / p99 idle and during
# each campaign, and the p99's ratio to idle. Writes perf-reports/ab-legit-p99.md (or $AB_REPORT).
#   bench/ab-legit-p99.sh <base tern output dir> [head output dir] [rounds] [recipients] [pull rates]
# The base directory is a build of the earlier commit, e.g.
#   git worktree add /tmp/base <commit> && dotnet build /tmp/base/hosts/Tern.Cli -c Release   (…/bin/Release/net10.0)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
base=${1:?base build directory (bin/Release/net10.0 of Tern.Cli)}
head=${2:-hosts/Tern.Cli/bin/Release/net10.0}
rounds=${3:-3}
recipients=${4:-100000}
pull=${5:-0.1}
economics=bench/Tern.Economics/bin/Release/net10.0/Tern.Economics.dll
report=${AB_REPORT:-perf-reports/ab-legit-p99.md}
logdir=$(mktemp -d /tmp/tern-ab-legit-XXXXXX)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rows=() base_r=() head_r=()
# legit <tern.json>: "idle-p50 idle-p99 [rate p50 p99 ratio]..." (nearest rank, as the report's Costs.Percentile).
legit() {
  python3 - "$1" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
def pct(v, p):
    v = sorted(v)
    return v[min(max(math.ceil(p / 100 * len(v)) - 1, 0), len(v) - 1)] if v else float('nan')
idle = d['IdleLegitMs']
out = ['%.1f' % pct(idle, 50), '%.1f' % pct(idle, 99)]
worst = 0.0
for r in d['Runs']:
    if r.get('Quiet') or not r['LegitMs']:
        continue
    p99 = pct(r['LegitMs'], 99)
    worst = max(worst, p99 / pct(idle, 99))
    out.append('%g%%: %.1f / %.1f (%.2f×)' % (r['PullRate'] * 100, pct(r['LegitMs'], 50), p99, p99 / pct(idle, 99)))
print('%.2f' % worst, out[0], out[1], ' · '.join(out[2:]), sep='\t')
PY
}
for round in $(seq 1 "$rounds"); do
  for build in base head; do
    bin=$([ "$build" = base ] && echo "$base" || echo "$head")
    out="$logdir/$build-$round"; mkdir -p "$out"
    echo "== round $round $build" >&2
    nice -n 10 dotnet "$economics" run --only tern --out "$out" --tern "$bin/tern.dll" --recipients "$recipients" --small-recipients 0 \
      --pull "$pull" --warmup "${WARMUP:-10}" --idle "${IDLE:-15}" > "$out/log" 2>&1
    IFS=$'\t' read -r worst p50 p99 during < <(legit "$out/tern.json")
    rows+=("| $round | $build | $p50 / $p99 | $during | $worst | $(cut -d' ' -f1 /proc/loadavg) |")
    if [ "$build" = base ]; then base_r+=("$worst"); else head_r+=("$worst"); fi
  done
done
{
  echo "# A/B: the legitimate sender's p99 during a campaign against idle"
  echo
  echo "- command: \`bench/ab-legit-p99.sh $base $head $rounds $recipients $pull\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); head commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average at start / end: $load_start / $(cut -d' ' -f1-3 /proc/loadavg) (shared: other builds and benchmarks ran alongside)"
  echo "- each run: \`Tern.Economics run --only tern --recipients $recipients --small-recipients 0 --pull $pull\`, base and head alternated; alice@a.example sends 1 KiB to bob@b.example every 100 ms, timed from her POST to bob's 5 ms polls listing it"
  echo
  echo "| round | build | idle p50 / p99 ms | during the campaign: pull rate: p50 / p99 ms (p99 / idle p99) | worst ratio | 1-min load after |"
  echo "|---:|---|---:|---|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Medians of the worst ratio (target ≤ 2): base $(median "${base_r[@]}"), head $(median "${head_r[@]}")."
} > "$report"
cat "$report"
echo "logs in $logdir" >&2
