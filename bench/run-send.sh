#!/usr/bin/env bash
# The notification send path beside the C sendmmsg blaster sending datagrams of the same size: the bare path
# (timing wheel → records → seal → sendmmsg) and the whole sender (transit store + NotificationScheduler + sendmmsg
# transport). Each sender pinned to core 1, a C recvmmsg sink on core 0. Each round runs C, bare, whole back to
# back, then the same C blaster with UDP GSO (as Tern's sender uses it) for the record; the median ratios are
# reported. Writes perf-reports/send.md.
#   bench/run-send.sh [notifications] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin send
source bench/stats.sh
count="${1:-2000000}"
# With one record a datagram, 2000000 deliveries are 2000000 datagrams, and every run (the deliveries made, the store
# filled, the send) scales with them: unless a count is given or BENCH_FULL=1, that case sends 1000000, still 1.5-2 s
# of sending a run, as long as the 7-record case's 285714 datagrams of 2000000 deliveries take. Each sender runs warm
# (a warm-up pass first), so its rate does not grow with the run's length: at 2000000 the bare path's three rounds of
# 2026-12-06 agreed within 2 %, and the whole sender's and the C blaster's moved up to 20 % between rounds, from the
# machine, which a longer run does not remove.
count_1=$count
[ -n "${1:-}" ] || [ "${BENCH_FULL:-}" = 1 ] || count_1=1000000
rounds="${2:-3}"
port=47401
work=$(mktemp -d /tmp/tern-send-XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/udp_blaster" bench/baselines/udp_blaster.c
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
bench_dll=bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll
[ -f "$bench_dll" ] || { echo "build first: $bench_dll missing (make build)"; exit 1; }
# A short benchmark must not measure the tiered JIT's start-up delay: promote hot methods as soon as they are counted.
export DOTNET_TC_CallCountingDelayMs=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

sink() {
  taskset -c 0 "$work/udp_sink" $port 1500 > "$work/sink" &
  sink_pid=$!
  for _ in $(seq 100); do grep -q ready "$work/sink" 2>/dev/null && return; sleep 0.05; done
}
rate() { sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$1"; }
rows=()
summary=()
for records in 1 8; do
  # 140-byte records (a.example, message/822): 8 do not fit in 1200 bytes, so a full datagram carries 7
  fit=$(( records > 7 ? 7 : records ))
  size=$((58 + 9 + fit * 140 + 16))
  n=$count; [ "$records" = 1 ] && n=$count_1
  datagrams=$((n / fit))
  ratios=()
  whole=()
  gso_ratios=()
  c_rates=()
  d_rates=()
  for round in $(seq "$rounds"); do
    sink; c=$(taskset -c 1 "$work/udp_blaster" -s $size 127.0.0.1 $port $datagrams); wait $sink_pid
    sink; t=$(taskset -c 1 dotnet "$bench_dll" send $port $n $records); wait $sink_pid
    sink; d=$(taskset -c 1 dotnet "$bench_dll" schedule $port $n $records); wait $sink_pid
    sink; g=$(taskset -c 1 "$work/udp_blaster" -g -s $size 127.0.0.1 $port $datagrams); wait $sink_pid
    r=$(ratio "$(rate "$t")" "$(rate "$c")")
    w=$(ratio "$(rate "$d")" "$(rate "$c")")
    wg=$(ratio "$(rate "$d")" "$(rate "$g")")
    ratios+=("$r")
    whole+=("$w")
    gso_ratios+=("$wg")
    c_rates+=("$(rate "$c")")
    d_rates+=("$(rate "$d")")
    rows+=("| $records | $round | $size | $c | $t | $r | $d | $w | $g | $wg | $(cut -d' ' -f1 /proc/loadavg) |")
  done
  summary+=("| $records | $size | **$(median "${ratios[@]}")** | **$(median "${whole[@]}")** | $(median "${gso_ratios[@]}") |")
  if [ "$records" = 1 ]; then target="—"; else target="≥ 0.7"; fi
  summary_row "whole sender (store, scheduler, seal, sendmmsg with GSO), $fit record(s) a datagram (Tern ÷ C blaster, datagrams/s)" "$(median "${d_rates[@]}")/s" "C \`sendmmsg\` blaster, same size, $(median "${c_rates[@]}")/s" "$(median "${whole[@]}")" "$target"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Notification send path"
  echo
  echo "- command: \`${BENCH_FULL:+BENCH_FULL=$BENCH_FULL }bench/run-send.sh${1:+ $1 $rounds}\`: $count_1 deliveries with 1 record a datagram, $count with 8 (BENCH_FULL=1 or a count given: the same for both)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before / after: $load_before / $load_after (shared machine: other builds run alongside)"
  echo "- baseline: the C sendmmsg blaster (bench/baselines/udp_blaster.c, a connected socket) sending datagrams of the same size; both pinned to core 1, a C recvmmsg sink on core 0; every sender prints its user and system CPU per datagram; for the record, the same blaster with \`-g\`: each message one UDP GSO send of as many datagrams as fit (at most 64), the kernel feature Tern's sender uses"
  echo "- Tern send path (bare): the deliveries scheduled on the timing wheel, come due, packed per datagram, sealed (XChaCha20-Poly1305 under the peer's kept subkey), sent with sendmmsg (64 per call, UDP GSO per run to one peer, unconnected socket), rescheduled on the backoff; time includes the first scheduling of every delivery; after a warm-up pass of the same code over 100 000 other deliveries, so that optimised code is measured, as in a running node; \`DOTNET_TC_CallCountingDelayMs=0\`"
  echo "- Tern whole sender: the same deliveries in a real transit store (1000 recipients per submission), loaded by NotificationScheduler.StartAsync and sent by its loop, after a warm-up scheduler over a store of 100 000 other deliveries: the due entries' state read from the store under one lock per 256, records packed from the index records, sealing per datagram, each datagram's attempts recorded in the store under one lock and the next ones on the wheel; pacing lifted, default round budget; the rate is the send phase, from the loop's start (after the start-up load, printed beside it with the rate it would give if counted) until every delivery was sent once; the counts include the retransmissions that came due meanwhile"
  echo
  echo "## Median of $rounds back-to-back pairs (ratio in datagrams/s)"
  echo
  echo "| records/datagram | bytes | bare path / C | whole sender / C | whole sender / C with UDP GSO (for the record) |"
  echo "|---:|---:|---:|---:|---:|"
  printf '%s\n' "${summary[@]}"
  echo
  echo "## Every run"
  echo
  echo "| records/datagram | round | bytes | C blaster | Tern bare path | ratio | Tern whole sender | ratio | C blaster with UDP GSO | whole / GSO | 1-min load after |"
  echo "|---:|---:|---:|---|---|---:|---|---:|---|---:|---:|"
  printf '%s\n' "${rows[@]}"
} > "$work/report.md"
if [ -f perf-reports/send-notes.md ]; then { echo; cat perf-reports/send-notes.md; } >> "$work/report.md"; fi
cp "$work/report.md" perf-reports/send.md
summary_write
cat perf-reports/send.md
