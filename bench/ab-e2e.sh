#!/usr/bin/env bash
# A/B of end-to-end latency through two `tern run` processes (bench/run-e2e.sh's first part: alice's C2S submit →
# notify → b.example pulls at once → bob's client has it; E2E_BOB=poll in AB_BASE_ENV / AB_HEAD_ENV picks the polling client) between two configurations or builds, alternated
# base, head, base, head ... for <rounds> rounds; medians of Tern's p50 and of its ratio to the floor measured beside it
# in the same round. Each side is either a tern.dll (AB_BASE_TERN / AB_HEAD_TERN, default: this checkout's build for
# both) and extra environment for its node processes (AB_BASE_ENV / AB_HEAD_ENV, e.g. "TERN__Node__MinPoolThreads=0").
# Latency is only comparable on a quiet machine: the load average is printed before and after each round.
# Writes perf-reports/ab-e2e.md (or $AB_REPORT).
#   bench/ab-e2e.sh [rounds]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
rounds=${1:-3}
count="${E2E_COUNT:-1000}"
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
this_tern=$PWD/hosts/Tern.Cli/bin/Release/net10.0/tern.dll
base_tern=${AB_BASE_TERN:-$this_tern}
head_tern=${AB_HEAD_TERN:-$this_tern}
report=${AB_REPORT:-perf-reports/ab-e2e.md}
[ -f "$load" ] && [ -f "$base_tern" ] && [ -f "$head_tern" ] || { echo "build first (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-ab-e2e-XXXXXX")
trap 'rm -rf "$work"' EXIT
field() { sed -n "s/^$2 .*\\b$3=\\([0-9.]*\\).*/\\1/p" <<< "$1"; }
run() { # <name> <tern.dll> <env>
  env $3 nice -n 10 dotnet "$load" e2e-nodes "$work/$1" "$count" 1024 "$2"
  rm -rf "${work:?}/$1"
}
rows=""; bp=(); hp=(); br=(); hr=()
for i in $(seq "$rounds"); do
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  out=$(run "base$i" "$base_tern" "${AB_BASE_ENV:-}"); b=$(field "$out" RESULT p50_ms); bf=$(field "$out" BASELINE p50_ms)
  out=$(run "head$i" "$head_tern" "${AB_HEAD_ENV:-}"); h=$(field "$out" RESULT p50_ms); hf=$(field "$out" BASELINE p50_ms)
  bp+=("$b"); hp+=("$h"); br+=("$(ratio "$b" "$bf")"); hr+=("$(ratio "$h" "$hf")")
  rows+="| $i | $before / $(cut -d' ' -f1-3 /proc/loadavg) | $b (floor $bf, $(ratio "$b" "$bf")×) | $h (floor $hf, $(ratio "$h" "$hf")×) | $(ratio "$h" "$b") |"$'\n'
  echo "round $i: base p50 $b ms (floor $bf), head p50 $h ms (floor $hf)"
done
{
  echo "# A/B: end-to-end latency through two node processes"
  echo
  echo "- command: \`bench/ab-e2e.sh $rounds\` (E2E_COUNT=$count; AB_BASE_ENV='${AB_BASE_ENV:-}' AB_HEAD_ENV='${AB_HEAD_ENV:-}')"
  echo "- base tern: $base_tern; head tern: $head_tern"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo
  echo "p50 ms of alice's POST → bob having it (told by his event stream and read, or with E2E_BOB=poll his list showing it; $count messages of 1 KiB a side and round, after warm-up),"
  echo "and the floor (the same disk and network steps without Tern) measured beside each in the same run:"
  echo
  echo "| round | load before / after | base p50 | head p50 | head / base |"
  echo "|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Medians: base p50 $(median "${bp[@]}") ms ($(median "${br[@]}")× its floor), head p50 $(median "${hp[@]}") ms ($(median "${hr[@]}")× its floor); **head / base $(ratio "$(median "${hp[@]}")" "$(median "${bp[@]}")")**."
} > "$report"
echo "wrote $report"
