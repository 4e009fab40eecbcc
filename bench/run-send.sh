#!/usr/bin/env bash
# The notification send path (timing wheel → records → seal → sendmmsg) beside the C sendmmsg blaster
# sending datagrams of the same size, and the whole sender (transit store + DeliveryScheduler + sendmmsg transport);
# each sender pinned to core 1, a C recvmmsg sink on core 0.
# Writes perf-reports/send.md.   bench/run-send.sh [notifications]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000000}"
load=$(cut -d' ' -f1-3 /proc/loadavg)
port=47401
work=$(mktemp -d /tmp/tern-send-XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/udp_blaster" bench/baselines/udp_blaster.c
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
bench_dll=bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll

sink() {
  taskset -c 0 "$work/udp_sink" $port 500 > "$work/sink" &
  sink_pid=$!
  for _ in $(seq 100); do grep -q ready "$work/sink" 2>/dev/null && return; sleep 0.05; done
}
rows=()
for records in 1 8; do
  # 140-byte records (a.example, message/822): 8 do not fit in 1200 bytes, so a full datagram carries 7
  fit=$(( records > 7 ? 7 : records ))
  size=$((58 + 9 + fit * 140 + 16))
  datagrams=$((count / fit))
  sink; c=$(taskset -c 1 "$work/udp_blaster" -s $size 127.0.0.1 $port $datagrams); wait $sink_pid
  sink; t=$(taskset -c 1 dotnet "$bench_dll" send $port $count $records); wait $sink_pid
  sink; d=$(taskset -c 1 dotnet "$bench_dll" schedule $port $count $records); wait $sink_pid
  cr=$(sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$c"); tr=$(sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$t"); dr=$(sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$d")
  rows+=("| $records | $size | $c | $t | $(python3 -c "print(f'{$tr/$cr:.2f}')") | $d | $(python3 -c "print(f'{$dr/$cr:.2f}')") |")
done
{
  echo "# Notification send path"
  echo
  echo "- command: \`bench/run-send.sh $count\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')"
  echo "- load average at start: $load (the build machines are shared: compare ratios, not absolutes)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- baseline: the C sendmmsg blaster (bench/baselines/udp_blaster.c) sending datagrams of the same size; both pinned to core 1, a C recvmmsg sink on core 0"
  echo "- Tern send path: $count deliveries scheduled on the timing wheel, come due, packed per datagram, sealed (XChaCha20-Poly1305), sent with sendmmsg (64 per call), rescheduled on the backoff; time includes start-up JIT"
  echo "- Tern scheduler: the same $count deliveries in a real transit store (1000 recipients per submission), loaded by DeliveryScheduler.StartAsync and sent by its loop: per record a snapshot of its delivery from the store, packing, sealing per datagram, the attempt recorded in the store and the next one on the wheel; pacing lifted, default round budget; time from start-up (load included) until every delivery was sent once; the counts include the retransmissions that came due meanwhile"
  echo
  echo "| records/datagram | bytes | C blaster | Tern send path | ratio | Tern scheduler | ratio |"
  echo "|---:|---:|---|---|---:|---|---:|"
  printf '%s\n' "${rows[@]}"
} > perf-reports/send.md
cat perf-reports/send.md
