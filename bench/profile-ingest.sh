#!/usr/bin/env bash
# Profiles the ingest's per-datagram work without sockets: `Tern.UdpBench process <dir> <mode>` on core 0, perf
# attached once its warm-up is done (the bench prints "processing"), for 1.5 s, with the runtime's perf map so JIT code
# has names. Writes the share of samples per binary and the top symbols to perf-reports/profile-ingest.md.
#   bench/profile-ingest.sh [datagrams] [records] [pending|counting|open]      (needs perf; after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
datagrams=${1:-2000000}
records=${2:-1}
mode=${3:-pending}
bench_dll=bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll
work=$(mktemp -d /tmp/tern-profile-ingest-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet "$bench_dll" gen "$work" "$datagrams" "$records" > /dev/null
export DOTNET_TC_CallCountingDelayMs=0 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
taskset -c 0 dotnet "$bench_dll" process "$work" "$mode" > "$work/out" 2> "$work/err" &
pid=$!
until grep -q processing "$work/err" 2>/dev/null; do sleep 0.01; done
perf record -o "$work/perf.data" -F 4999 -g -p $pid -- sleep 1.5 2> /dev/null
wait $pid
{
  echo "# Profile of the ingest's per-datagram work (no socket)"
  echo
  echo "- command: \`bench/profile-ingest.sh $datagrams $records $mode\` (perf record -F 4999 -g for 1.5 s, attached once the warm-up is done and the JIT has settled)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(uname -r), .NET $(dotnet --version); pinned to core 0"
  echo "- the bench's own line: $(cat "$work/out")"
  echo
  echo "## Samples by binary"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -8
  echo '```'
  echo
  echo "## Top symbols"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -${TOP:-40} | cut -c1-220
  echo '```'
} > perf-reports/profile-ingest.md
cat perf-reports/profile-ingest.md
