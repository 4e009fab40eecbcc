#!/usr/bin/env bash
# A/B of the send path between two revisions: each round runs the C sendmmsg blaster, then the base's and the head's
# bare send path (`Tern.UdpBench send`) and whole sender (`Tern.UdpBench schedule`), one record a datagram or more, each
# sender pinned to core 1 and a C recvmmsg sink on core 0, as bench/run-send.sh does (the blaster sends datagrams of the
# same size). Noise on a shared machine is ±15 % run to run; alternating rounds and medians are the figure. Writes
# perf-reports/ab-send.md, or perf-reports/ab-send-<records>.md above one record.
#   bench/ab-send.sh <base-rev> [<head-rev>|.] [rounds] [deliveries] [records]      ("." = this checkout's build)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab-lib.sh
base=${1:?usage: bench/ab-send.sh <base-rev> [<head-rev>|.] [rounds] [deliveries]}
head=${2:-.}
rounds=${3:-4}
count=${4:-1000000}
records=${5:-1}
# 140-byte records (a.example, message/822): 8 do not fit in 1200 bytes, so a full datagram carries 7 (bench/run-send.sh)
fit=$(( records > 7 ? 7 : records ))
size=$((58 + 9 + fit * 140 + 16))
datagrams=$(( (count + fit - 1) / fit ))
report=perf-reports/ab-send.md; [ "$records" = 1 ] || report=perf-reports/ab-send-$records.md
port=47402
ab_build "$base"; base_dll=$ab_dll
ab_build "$head"; head_dll=$ab_dll
work=$(mktemp -d /tmp/tern-ab-send-XXXXXX)
trap 'rm -rf "$work"; ab_cleanup' EXIT
gcc -O2 -o "$work/udp_blaster" bench/baselines/udp_blaster.c
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
export DOTNET_TC_CallCountingDelayMs=0
pinned() {
  taskset -c 0 "$work/udp_sink" $port 1500 > "$work/sink" & local sink=$!
  for _ in $(seq 100); do grep -q ready "$work/sink" 2>/dev/null && break; sleep 0.05; done
  taskset -c 1 "$@" 2>/dev/null; wait $sink
}
rate() { sed -E 's/^sent [0-9]+ datagrams in [0-9.]+ s: ([0-9]+)\/s.*/\1/' <<< "$1"; }
user() { sed -E 's/.*CPU user ([0-9.]+) .*/\1/' <<< "$1"; }
rows=(); declare -A rates users
for round in $(seq "$rounds"); do
  c=$(pinned "$work/udp_blaster" -s $size 127.0.0.1 $port "$datagrams")
  rows+=("| $round | C blaster | $c |")
  for side in base head; do
    dll=$base_dll; [ $side = head ] && dll=$head_dll
    for mode in send schedule; do
      line=$(pinned dotnet "$dll" $mode $port "$count" "$records")
      rows+=("| $round | $side $mode | $line |")
      rates[$side-$mode]+="$(ratio "$(rate "$line")" "$(rate "$c")") "
      users[$side-$mode]+="$(user "$line") "
    done
  done
done
{
  echo "# A/B: notification send path"
  echo
  echo "- command: \`bench/ab-send.sh $base $head $rounds $count $records\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); base $(ab_describe "$base"), head $(ab_describe "$head")"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- each round: the C blaster ($datagrams datagrams of $size bytes, connected socket), then base and head, each the bare path (\`send\`) and the whole sender (\`schedule\`), $count deliveries, $fit record(s) a datagram; senders on core 1, a C recvmmsg sink on core 0"
  echo
  echo "| sender | base: rate / C (median; every round) | head: rate / C (median; every round) | base: user CPU µs/datagram (median) | head: user CPU µs/datagram (median) |"
  echo "|---|---|---|---:|---:|"
  for mode in send schedule; do
    read -ra br <<< "${rates[base-$mode]}"; read -ra hr <<< "${rates[head-$mode]}"
    read -ra bu <<< "${users[base-$mode]}"; read -ra hu <<< "${users[head-$mode]}"
    echo "| $mode | $(median "${br[@]}") (${br[*]}) | $(median "${hr[@]}") (${hr[*]}) | $(median "${bu[@]}") | $(median "${hu[@]}") |"
  done
  echo
  echo "| round | sender | output |"
  echo "|---:|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$report"
cat "$report"
