#!/usr/bin/env bash
# Profiles a node's C2S submit path: `Tern.Load c2s-submit` (a `tern run` child loaded by wrk, as bench/run-c2s.sh runs
# it) with the runtime's perf map, perf attached to the node process once wrk's warm-up is over, for PROFILE_SECONDS.
# Writes the share of samples per binary, the top symbols (self) and the top managed frames with their callees
# (children) to perf-reports/profile-c2s.md.
#   bench/profile-c2s.sh                   (needs perf and wrk: make bench-deps; after `make build`)
#   C2S_BATCH=64 C2S_CONCURRENCY=16 bench/profile-c2s.sh   the batch route instead (bench/c2s-batch.lua), to profile-c2s-batch.md
#   C2S_ENCODING=msgpack                   with C2S_BATCH, the batches in MessagePack (bench/c2s-batch.lua reads it)
#   PROFILE_REPORT=<file>                  write there instead
#   C2S_TERN=<tern.dll>                    profile that build of the node (another branch's, kept aside) instead of this checkout's
set -euo pipefail
cd "$(dirname "$0")/.."
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
tern="${C2S_TERN:-hosts/Tern.Cli/bin/Release/net10.0/tern.dll}"
seconds="${PROFILE_SECONDS:-6}"
concurrency="${C2S_CONCURRENCY:-256}"
batch="${C2S_BATCH:-0}"
script=bench/c2s-post.lua; report=perf-reports/profile-c2s.md; what="1 KiB submits"
[ "$batch" = 0 ] || { script=bench/c2s-batch.lua; report=perf-reports/profile-c2s-batch.md; what="batches of $batch 1 KiB messages"; }
[ "$batch" = 0 ] || [ "${C2S_ENCODING:-json}" != msgpack ] || what="$what in MessagePack"
report="${PROFILE_REPORT:-$report}"
[ -f "$load" ] && [ -f "$tern" ] || { echo "build first (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-profile-c2s-XXXXXX")
# PROFILE_KEEP=<file>: keep perf.data there for a closer look (perf report -i <file>).
trap '[ -z "${PROFILE_KEEP:-}" ] || cp "$work/perf.data" "$PROFILE_KEEP"; rm -rf "$work"' EXIT
# Fully optimized code from the start, as bench/run-c2s.sh runs it (else the JIT's tiers show in the profile).
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_TieredCompilation=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
nice -n 10 dotnet "$load" c2s-submit "$work/run" $((seconds + 4)) "$concurrency" 1024 "$tern" "$script" "$batch" > "$work/out" &
runner=$!
ports="$work/run/a.example/state/ports.json"
until [ -s "$ports" ]; do sleep 0.1; done
pid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$ports")
# Idle 1 s, wrk's warm-up 3 s, then 1 s into the measured run.
sleep 5
perf record -o "$work/perf.data" -F 999 -g -p "$pid" -- sleep "$seconds" 2> /dev/null
wait $runner
{
  echo "# Profile of a node's C2S submit path"
  echo
  echo "- command: \`bench/profile-c2s.sh\` (perf record -F 999 -g for $seconds s on the \`tern run\` process, attached after wrk's warm-up; $concurrency connections, $what)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')${C2S_TERN:+; the node: $C2S_TERN}"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- DOTNET_TieredCompilation=0; kernel.perf_event_paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)"
  echo "- the run's own line: $(cat "$work/out")"
  echo
  echo "## Samples by binary"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -10 || true
  echo '```'
  echo
  echo "## Top symbols (self)"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -"${TOP:-40}" | cut -c1-200 || true
  echo '```'
  echo
  echo "## Top frames with their callees (children)"
  echo
  echo '```'
  perf report -i "$work/perf.data" --children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -"${TOP:-60}" | cut -c1-200 || true
  echo '```'
} > "$report"
echo "wrote $report"
