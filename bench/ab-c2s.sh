#!/usr/bin/env bash
# A/B of a node's C2S submit between `tern` built at <base-rev> and this checkout: `Tern.Load c2s-submit` (a `tern run`
# child loaded by wrk, as bench/run-c2s.sh runs it) with each node, alternated base, head, base, head ... for <rounds>
# rounds; medians of the node's CPU per submit and of the submits/s. The base is built in a temporary worktree; the
# load tool is this checkout's for both. AB_BASE_TERN / AB_HEAD_TERN name tern.dll builds to use instead of building.
# C2S_BATCH=<n> loads the batch route instead (bench/c2s-batch.lua, n messages a request; figures per message), with
# C2S_ENCODING=msgpack in MessagePack (the same script reads it).
# AB_HEAD_ENV="NAME=value ..." runs the head's node with those variables (an A/B of a runtime setting: AB_BASE_TERN and
# AB_HEAD_TERN then name the same build). AB_BARE=1 also runs the bare transit store each round (`Tern.Load transit-submit`,
# this checkout's engine, 256 submitters, as bench/run-c2s.sh runs it) and reports each side's capacity against it (bare
# CPU per submit ÷ node CPU per message). Writes perf-reports/ab-c2s.md, or AB_REPORT.
#   bench/ab-c2s.sh <base-rev> [rounds]      (after `make build`; needs wrk: make bench-deps)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab-lib.sh
base=${1:?usage: bench/ab-c2s.sh <base-rev> [rounds]}
rounds=${2:-3}
seconds="${C2S_SECONDS:-8}"
concurrency="${C2S_CONCURRENCY:-256}"
batch="${C2S_BATCH:-0}"
report="${AB_REPORT:-perf-reports/ab-c2s.md}"
script=bench/c2s-post.lua; unit="submit"
[ "$batch" = 0 ] || { script=bench/c2s-batch.lua; unit="message (batches of $batch)"; }
[ "$batch" = 0 ] || [ "${C2S_ENCODING:-json}" != msgpack ] || unit="message (batches of $batch in MessagePack)"
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-ab-c2s-XXXXXX")
trap 'rm -rf "$work"; ab_cleanup' EXIT
head_tern=${AB_HEAD_TERN:-$PWD/hosts/Tern.Cli/bin/Release/net10.0/tern.dll}
if [ -n "${AB_BASE_TERN:-}" ]; then
  base_tern=$AB_BASE_TERN
else
  tree=$(mktemp -d /tmp/tern-ab-tree-XXXXXX); rmdir "$tree"
  git worktree add -q --detach "$tree" "$base" >&2
  ab_trees+=("$tree")
  dotnet build "$tree/hosts/Tern.Cli" -c Release -v quiet -nologo >&2 || { echo "build of $base failed" >&2; exit 1; }
  base_tern=$tree/hosts/Tern.Cli/bin/Release/net10.0/tern.dll
fi
export DOTNET_TieredCompilation=0
result() { sed -n 's/.*RESULT.* '"$2"'=\([0-9.]*\).*/\1/p' <<< "$1"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""; bc=(); hc=(); bs=(); hs=(); rc=(); bare=(); bcap=(); hcap=()
for i in $(seq "$rounds"); do
  if [ "${AB_BARE:-0}" = 1 ]; then
    out=$(nice -n 10 dotnet "$load" transit-submit "$work/bare$i" "$seconds" 256 1024); rm -rf "$work/bare$i"
    bare+=("$(result "$out" cpu_us_per_submit)")
  fi
  out=$(nice -n 10 dotnet "$load" c2s-submit "$work/base$i" "$seconds" "$concurrency" 1024 "$base_tern" "$script" "$batch"); rm -rf "$work/base$i"
  b=$(result "$out" cpu_us_per_message); b_s=$(result "$out" messages_per_second)
  # shellcheck disable=SC2086 # AB_HEAD_ENV is a list of NAME=value words
  out=$(env ${AB_HEAD_ENV:-} nice -n 10 dotnet "$load" c2s-submit "$work/head$i" "$seconds" "$concurrency" 1024 "$head_tern" "$script" "$batch"); rm -rf "$work/head$i"
  h=$(result "$out" cpu_us_per_message); h_s=$(result "$out" messages_per_second)
  bc+=("$b"); hc+=("$h"); bs+=("$b_s"); hs+=("$h_s"); rc+=("$(ratio "$h" "$b")")
  if [ "${AB_BARE:-0}" = 1 ]; then
    bcap+=("$(ratio "${bare[-1]}" "$b")"); hcap+=("$(ratio "${bare[-1]}" "$h")")
    rows+="| $i | ${bare[-1]} | $b ($b_s/s; capacity ${bcap[-1]}) | $h ($h_s/s; capacity ${hcap[-1]}) | $(ratio "$h" "$b") |"$'\n'
  else
    rows+="| $i | $b ($b_s/s) | $h ($h_s/s) | $(ratio "$h" "$b") |"$'\n'
  fi
  echo "round $i: base $b µs ($b_s/s), head $h µs ($h_s/s)"
done
{
  echo "# A/B: a node's CPU per C2S submit"
  echo
  echo "- command: \`bench/ab-c2s.sh $base $rounds\` (C2S_SECONDS=$seconds C2S_CONCURRENCY=$concurrency C2S_BATCH=$batch${C2S_ENCODING:+ C2S_ENCODING=$C2S_ENCODING}${AB_HEAD_ENV:+ AB_HEAD_ENV=\"$AB_HEAD_ENV\"}; DOTNET_TieredCompilation=0)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- base: $(ab_describe "$base")${AB_BASE_TERN:+ (tern.dll from $AB_BASE_TERN)}; head: $(ab_describe .)${AB_HEAD_TERN:+ (tern.dll from $AB_HEAD_TERN)}"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "The node's CPU µs per 1 KiB $unit (from /proc/<pid>/stat over the measured seconds), messages/s in brackets:"
  echo
  if [ "${AB_BARE:-0}" = 1 ]; then
    echo "| round | bare store: CPU per submit | base | head | head / base |"
    echo "|---|---|---|---|---|"
  else
    echo "| round | base | head | head / base |"
    echo "|---|---|---|---|"
  fi
  printf '%s' "$rows"
  echo
  echo "Medians: base $(median "${bc[@]}") µs ($(median "${bs[@]}")/s), head $(median "${hc[@]}") µs ($(median "${hs[@]}")/s); **head / base CPU per message $(median "${rc[@]}")**."
  if [ "${AB_BARE:-0}" = 1 ]; then
    echo
    echo "The bare store (\`Tern.Load transit-submit <dir> $seconds 256 1024\`, its own process, run before each round's pair): $(median "${bare[@]}") µs a submit (median)."
    echo "Capacity, bare CPU per submit ÷ node CPU per message, medians of the rounds: **base $(median "${bcap[@]}"), head $(median "${hcap[@]}")** (issue 14's target ≥ 0.8)."
  fi
} > "$report"
echo "wrote $report"
