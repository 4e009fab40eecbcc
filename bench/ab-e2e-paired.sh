#!/usr/bin/env bash
# A/B of end-to-end latency with both sides up at once: each round runs `Tern.Load e2e-nodes-ab`, which starts a base
# pair and a head pair of `tern run` processes (alice's C2S submit → notify → b.example pulls at once → bob told by his
# event stream reads it) and measures them and the floor in alternating blocks of 250 messages, so a shared machine's
# drift lands on both sides alike (bench/ab-e2e.sh runs each side's nodes one after the other, minutes apart). Each side
# is a tern.dll (AB_BASE_TERN / AB_HEAD_TERN, default this checkout's build) and extra environment for its nodes
# (AB_BASE_ENV / AB_HEAD_ENV, e.g. "TERN__Transit__JournalWritesOnCommitLoop=false").
# Writes perf-reports/ab-e2e-paired.md (or $AB_REPORT).
#   bench/ab-e2e-paired.sh [rounds]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
rounds=${1:-3}
count="${E2E_COUNT:-2000}"
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
this_tern=$PWD/hosts/Tern.Cli/bin/Release/net10.0/tern.dll
base_tern=${AB_BASE_TERN:-$this_tern}
head_tern=${AB_HEAD_TERN:-$this_tern}
report=${AB_REPORT:-perf-reports/ab-e2e-paired.md}
[ -f "$load" ] && [ -f "$base_tern" ] && [ -f "$head_tern" ] || { echo "build first (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-ab-e2e-XXXXXX")
trap 'rm -rf "$work"' EXIT
field() { sed -n "s/^$2 .*\\b$3=\\([0-9.]*\\).*/\\1/p" <<< "$1"; }
rows=""; bp=(); hp=(); fp=(); hb=()
for i in $(seq "$rounds"); do
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  out=$(E2E_BASE_ENV="${AB_BASE_ENV:-}" E2E_HEAD_ENV="${AB_HEAD_ENV:-}" nice -n 10 dotnet "$load" e2e-nodes-ab "$work/r$i" "$count" 1024 "$base_tern" "$head_tern")
  rm -rf "${work:?}/r$i"
  b=$(field "$out" BASE p50_ms); h=$(field "$out" HEAD p50_ms); f=$(field "$out" BASELINE p50_ms)
  bs=$(field "$out" BASE submit_p50_ms); hs=$(field "$out" HEAD submit_p50_ms)
  bp+=("$b"); hp+=("$h"); fp+=("$f"); hb+=("$(ratio "$h" "$b")")
  rows+="| $i | $before / $(cut -d' ' -f1-3 /proc/loadavg) | $b ($bs) | $h ($hs) | $f | $(ratio "$b" "$f")× / $(ratio "$h" "$f")× | $(ratio "$h" "$b") |"$'\n'
  echo "round $i: base p50 $b ms (submit $bs), head p50 $h ms (submit $hs), floor $f"
done
{
  echo "# A/B: end-to-end latency through two node processes, both sides up at once"
  echo
  echo "- command: \`bench/ab-e2e-paired.sh $rounds\` (E2E_COUNT=$count a side and round; AB_BASE_ENV='${AB_BASE_ENV:-}' AB_HEAD_ENV='${AB_HEAD_ENV:-}')"
  echo "- base tern: $base_tern; head tern: $head_tern"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo
  echo "p50 ms of alice's POST → bob has read it (his event stream, then the read; in brackets the POST → 201 part), the base"
  echo "pair, the head pair and the floor measured in alternating blocks of 250 messages within each round:"
  echo
  echo "| round | load before / after | base p50 (submit) | head p50 (submit) | floor p50 | base / head × floor | head / base |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Medians: base p50 $(median "${bp[@]}") ms, head p50 $(median "${hp[@]}") ms, floor $(median "${fp[@]}") ms; head / base by round: ${hb[*]}; **median $(median "${hb[@]}")**."
} > "$report"
echo "wrote $report"
