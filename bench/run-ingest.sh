#!/usr/bin/env bash
# Notification ingest beside a C recvmmsg sink, fed by the same C sendmmsg sender with the same sealed
# datagrams; each receiver pinned to core 0, the sender to core 1. Writes perf-reports/ingest.md.
#   bench/run-ingest.sh [datagrams-to-send]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-3000000}"
port=47400
work=$(mktemp -d /tmp/tern-ingest-XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/udp_blaster" bench/baselines/udp_blaster.c
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
bench_dll=bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll

wait_ready() { for _ in $(seq 200); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "receiver did not start" >&2; exit 1; }

# run <label> <receiver command...>: start the receiver on core 0, blast from core 1, print the receiver's line
run() {
  local label=$1; shift
  taskset -c 0 "$@" > "$work/out" 2>&1 &
  local pid=$!
  wait_ready "$work/out"
  taskset -c 1 "$work/udp_blaster" -f "$work/datagrams.bin" 127.0.0.1 $port "$count" > "$work/sent"
  wait $pid
  echo "$label|$(grep -E '^received' "$work/out")|$(cat "$work/sent")"
}

results=()
for records in 1 8; do
  dotnet "$bench_dll" gen "$work" 200000 $records > /dev/null
  results+=("$(run "C recvmmsg sink, $records record(s)/datagram" "$work/udp_sink" $port 300)")
  results+=("$(run "Tern ingest recvmmsg, $records record(s)/datagram" dotnet "$bench_dll" ingest "$work" $port 300 recvmmsg)")
  results+=("$(run "Tern ingest recvfrom, $records record(s)/datagram" dotnet "$bench_dll" ingest "$work" $port 300 receivefrom)")
  rm -rf "$work/b"
done

rate() { sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$1"; }
{
  echo "# Notification ingest"
  echo
  echo "- command: \`bench/run-ingest.sh $count\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- set-up: 200 000 distinct sealed datagrams (a.example → b.example), cycled by the C sendmmsg sender pinned to core 1; each receiver pinned to core 0; loopback; $count datagrams per run"
  echo "- Tern's side: recvmmsg/recvfrom → header → per-source rate → cached peer key → XChaCha20-Poly1305 open → time rules → pull preference → sink (counting sink: the pending-table insert is not in this figure yet)"
  echo
  echo "| run | receiver | datagrams/s | ratio to the C sink | sender |"
  echo "|---|---|---:|---:|---|"
  for i in 0 3; do
    base=$(rate "$(cut -d'|' -f2 <<< "${results[$i]}")")
    for j in 0 1 2; do
      line="${results[$((i + j))]}"
      r=$(rate "$(cut -d'|' -f2 <<< "$line")")
      echo "| $(cut -d'|' -f1 <<< "$line") | $(cut -d'|' -f2 <<< "$line") | $r | $(python3 -c "print(f'{$r/$base:.2f}')") | $(cut -d'|' -f3 <<< "$line") |"
    done
  done
} > perf-reports/ingest.md
cat perf-reports/ingest.md
