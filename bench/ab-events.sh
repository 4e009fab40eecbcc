#!/usr/bin/env bash
# A/B of the event-log bench (bench/run-events.sh: one node with EVENTS_USERS users and EVENTS_COUNT events, a random
# user's PUT /v1/hashes per sample) between Tern.Load built at <base-rev> and this checkout, alternated base, head,
# base, head ... for <rounds> rounds, the load average taken before each run. The PUT's round trip is a settings change
# made durable (the user's registration and its event): its p50 and p99 per run, their medians and head / base. The base
# is built in a temporary worktree with its own sources (the bench seeds the users file in the layout both read).
# Writes perf-reports/ab-users-store.md, or AB_REPORT.
#   bench/ab-events.sh <base-rev> [rounds]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab-lib.sh
base=${1:?usage: bench/ab-events.sh <base-rev> [rounds]}
rounds=${2:-5}
users="${EVENTS_USERS:-10000}"
count="${EVENTS_COUNT:-1000000}"
samples="${EVENTS_SAMPLES:-200}"
report="${AB_REPORT:-perf-reports/ab-users-store.md}"
head_load=$PWD/bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
[ -f "$head_load" ] || { echo "build first: $head_load missing (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-ab-events-XXXXXX")
trap 'rm -rf "$work"; ab_cleanup' EXIT
tree=$(mktemp -d /tmp/tern-ab-tree-XXXXXX); rmdir "$tree"
git worktree add -q --detach "$tree" "$base" >&2
ab_trees+=("$tree")
nice -n 10 dotnet build "$tree/bench/Tern.Load" -c Release -v quiet -nologo >&2 || { echo "build of $base failed" >&2; exit 1; }
base_load=$tree/bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
field() { grep -m1 "^$1" <<< "$2" | sed -E "s/.*$3=([0-9.]+) ms.*/\1/"; }
rows=""; b50=(); b99=(); h50=(); h99=(); r50=()
for i in $(seq "$rounds"); do
  for side in base head; do
    dll=$base_load; [ $side = head ] && dll=$head_load
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    out=$(nice -n 10 dotnet "$dll" events "$work/$side$i" "$users" "$count" "$samples"); rm -rf "$work/$side$i"
    p50=$(field "PUT" "$out" p50); p99=$(field "PUT" "$out" p99)
    if [ $side = base ]; then b50+=("$p50"); b99+=("$p99"); bp50=$p50; else h50+=("$p50"); h99+=("$p99"); r50+=("$(ratio "$p50" "$bp50")"); fi
    rows+="| $i | $side | $load | $p50 | $p99 |"$'\n'
    echo "round $i $side (load $load): PUT p50 $p50 ms, p99 $p99 ms" >&2
  done
done
mb50=$(median "${b50[@]}"); mh50=$(median "${h50[@]}"); mb99=$(median "${b99[@]}"); mh99=$(median "${h99[@]}")
{
  echo "# A/B: the users' settings store, PUT /v1/hashes at $users users"
  echo
  echo "- command: \`bench/ab-events.sh $base $rounds\` (EVENTS_USERS=$users EVENTS_COUNT=$count EVENTS_SAMPLES=$samples), each run"
  echo "  \`nice -n 10 dotnet <Tern.Load.dll> events <dir> $users $count $samples\` as bench/run-events.sh runs it"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- base: $(ab_describe "$base"); head: $(ab_describe .)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (each run's, taken before it, in the table below)"
  echo
  echo "Per sample a random user of $users registers a new hash (PUT /v1/hashes/{hash}): answered once the registration"
  echo "and its event are durable. The base rewrites and fsyncs the whole users.json (every user's settings) under a"
  echo "process-wide lock; the head writes that user's own settings file. Medians of $rounds runs each, run alternately:"
  echo
  echo "| | base | head | head / base |"
  echo "|---|---|---|---|"
  echo "| PUT p50 ms | $mb50 | $mh50 | $(ratio "$mh50" "$mb50") |"
  echo "| PUT p99 ms | $mb99 | $mh99 | $(ratio "$mh99" "$mb99") |"
  echo
  echo "Head / base p50 per round: ${r50[*]}"
  echo
  echo "## Every run"
  echo
  echo "| round | build | load average before | PUT p50 ms | PUT p99 ms |"
  echo "|---:|---|---|---:|---:|"
  printf '%s' "$rows"
} > "$report"
cat "$report"
