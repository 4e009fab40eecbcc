#!/usr/bin/env bash
# Profiles the whole sender's send phase: `Tern.UdpBench schedule` on core 1 with a C recvmmsg sink on core 0, perf
# attached once the start-up load is done (the bench prints "sending"), for 1.5 s, with the runtime's perf map so JIT
# code has names. Prints the share of samples per binary and the top user-space symbols.
#   bench/profile-send.sh [deliveries] [records]        (needs perf; after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
deliveries=${1:-1000000}
records=${2:-1}
port=47403
work=$(mktemp -d /tmp/tern-profile-send-XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
export DOTNET_TC_CallCountingDelayMs=0 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
taskset -c 0 "$work/udp_sink" $port 1500 > "$work/sink" &
sleep 0.3
taskset -c 1 dotnet bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll schedule $port "$deliveries" "$records" > "$work/out" 2> "$work/err" &
pid=$!
until grep -q sending "$work/err" 2>/dev/null; do sleep 0.01; done
perf record -o "$work/perf.data" -F 4999 -g -p $pid -- sleep 1.5 2> /dev/null
wait $pid; wait
cat "$work/out"
perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -8
perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | grep -v '\[k\]' | head -25
