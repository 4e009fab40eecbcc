#!/usr/bin/env bash
# A/B of the ingest's CPU ceiling into the pending table (`Tern.UdpBench process <dir> pending`: open, check and insert
# every datagram of a file, no socket) between two revisions, alternating on the same fresh datagram file each round,
# pinned to core 0. Noise on a shared machine is ±15 % run to run; alternating pairs and medians are the figure.
# MODE=open or MODE=counting measures that ceiling instead (the open alone, or all of the ingest into a counting sink).
# Writes perf-reports/ab-pending.md (ab-open.md, ab-counting.md for the other modes).
#   [MODE=pending|open|counting] bench/ab-pending.sh <base-rev> [<head-rev>|.] [rounds] [records per datagram...]     ("." = this checkout's build)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab-lib.sh
base=${1:?usage: bench/ab-pending.sh <base-rev> [<head-rev>|.] [rounds] [records...]}
head=${2:-.}
rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
records_list=("${@:-1 8}")
read -ra records_list <<< "${records_list[*]}"
mode=${MODE:-pending}
case "$mode" in pending|open|counting) ;; *) echo "MODE is pending, open or counting, not $mode" >&2; exit 2 ;; esac
report=perf-reports/ab-$mode.md
ab_build "$base"; base_dll=$ab_dll
ab_build "$head"; head_dll=$ab_dll
export DOTNET_TC_CallCountingDelayMs=0
work=$(mktemp -d /tmp/tern-ab-pending-XXXXXX)
trap 'rm -rf "$work"; ab_cleanup' EXIT
rows=(); summary=()
cpu() { sed -E 's/.*process CPU ([0-9.]+) .*/\1/' <<< "$1"; }
for records in "${records_list[@]}"; do
  datagrams=$(( records == 1 ? 2000000 : 600000 ))
  b=(); h=(); r=()
  for round in $(seq "$rounds"); do
    # A fresh file each round: datagrams older than the replay window would be dropped as stale.
    rm -rf "$work/data"; mkdir -p "$work/data"
    dotnet "$head_dll" gen "$work/data" "$datagrams" "$records" > /dev/null
    lb=$(taskset -c 0 dotnet "$base_dll" process "$work/data" $mode); rm -rf "$work/data"/pending-*
    lh=$(taskset -c 0 dotnet "$head_dll" process "$work/data" $mode); rm -rf "$work/data"/pending-*
    b+=("$(cpu "$lb")"); h+=("$(cpu "$lh")"); r+=("$(ratio "$(cpu "$lh")" "$(cpu "$lb")")")
    rows+=("| $records | $round | base | $lb |" "| $records | $round | head | $lh |")
  done
  summary+=("| $records | $(median "${b[@]}") | $(median "${h[@]}") | **$(median "${r[@]}")** ($(IFS=,; echo "${r[*]}")) |")
done
{
  echo "# A/B: ingest ceiling, \`$mode\`"
  echo
  echo "- command: \`$([ "$mode" = pending ] || echo "MODE=$mode ")bench/ab-pending.sh $base $head $rounds ${records_list[*]}\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); base $(ab_describe "$base"), head $(ab_describe "$head")"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- each round: a fresh file of sealed datagrams (\`Tern.UdpBench gen\`, 2 000 000 of one record or 600 000 of eight), then base and head each run \`process <dir> $mode\` over it on core 0 (\`taskset -c 0\`; pending: into a new pending table); the figure is process CPU per datagram"
  echo
  echo "| records/datagram | base µs/datagram (median) | head µs/datagram (median) | head / base (median of pairs; every pair) |"
  echo "|---:|---:|---:|---|"
  printf '%s\n' "${summary[@]}"
  echo
  echo "| records/datagram | round | build | output |"
  echo "|---:|---:|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$report"
cat "$report"
