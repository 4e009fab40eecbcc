#!/usr/bin/env bash
# Forged datagrams under random sender keys (issue 12, defect 2) against the engine's notification port over loopback
# UDP, at a bounded rate for a bounded time: from 10 000 IPv4 sources (127.100.0.0/16), then from random addresses of
# one IPv6 /64 (fd7e:bad:0:1::/64, sent with IPV6_FREEBIND). Among them an established peer (heard once before the flood,
# then every 4 s) and a new peer (60 datagrams, every 250 ms from 1 s in). The same bench source (bench/Tern.ColdKeyBench)
# is built against this checkout and against a base revision (by default the engine before the cold-path redesign),
# and the two receive the same flood alternately; the sender is this checkout's build. Receiver on core 0, sender on
# core 1. The key cache has 4 096 entries in both (the default 65 536 churns the same way, 16× slower). Writes
# perf-reports/coldkey.md.
#   bench/run-coldkey.sh [base-rev] [rounds] [forged per second] [seconds] [key cache]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin coldkey
base=${1:-667b063}
rounds=${2:-1}
rate=${3:-200000}
seconds=${4:-20}
cache=${5:-4096}
source bench/ab-lib.sh
head_dll=$PWD/bench/Tern.ColdKeyBench/bin/Release/net10.0/Tern.ColdKeyBench.dll
[ -f "$head_dll" ] || { echo "build first: $head_dll missing (make build)" >&2; exit 1; }

# The base revision with the bench source of BASE_BENCH_REV: the newest bench that still compiles against the engine
# before the redesign (the engine's folders and sink interface have moved since). It measures the same way; its
# sender had its own copy of the sendmmsg structs that the transport's LinuxSocketNative now provides.
base_bench=${BASE_BENCH_REV:-c699596}
# Both revisions are fixed, so their build is too: it is kept (TERN_BENCH_CACHE, by default /var/tmp/tern-bench-cache)
# and reused by later runs, which then skip a worktree, a restore and a build of the old engine (about a minute of
# make bench's budget on this machine). Delete the directory to build it afresh.
base_cache=${TERN_BENCH_CACHE:-/var/tmp/tern-bench-cache}/coldkey-$(git rev-parse --short=12 "$base^{commit}")-$(git rev-parse --short=12 "$base_bench^{commit}")
if [ ! -f "$base_cache/Tern.ColdKeyBench.dll" ]; then
  tree=$(mktemp -d /tmp/tern-coldkey-base-XXXXXX); rmdir "$tree"
  git worktree add -q --detach "$tree" "$base" >&2
  ab_trees+=("$tree")
  rm -rf "$tree/bench/Tern.ColdKeyBench"
  git archive "$base_bench" bench/Tern.ColdKeyBench | tar -x -C "$tree"
  # A base from before Directory.Build.props took the System.Interactive.Async pin: the project takes it itself, as every
  # project did then (FASTER's 6.0.1 against the engine's 4.0.0 is NU1605 otherwise).
  if ! grep -q System.Interactive.Async "$tree/Directory.Build.props" "$tree/bench/Tern.ColdKeyBench/Tern.ColdKeyBench.csproj"; then
    sed -i 's#^</Project>#  <ItemGroup>\n    <PackageReference Include="System.Interactive.Async" NoWarn="NU1605" />\n  </ItemGroup>\n</Project>#' \
      "$tree/bench/Tern.ColdKeyBench/Tern.ColdKeyBench.csproj"
  fi
  dotnet build "$tree/bench/Tern.ColdKeyBench" -c Release -v quiet -nologo >&2 || { echo "build of $base failed" >&2; exit 1; }
  rm -rf "$base_cache.tmp"; mkdir -p "$base_cache.tmp"
  cp -r "$tree/bench/Tern.ColdKeyBench/bin/Release/net10.0/." "$base_cache.tmp/"
  rm -rf "$base_cache"; mv "$base_cache.tmp" "$base_cache"
fi
base_dll=$base_cache/Tern.ColdKeyBench.dll

work=$(mktemp -d /tmp/tern-coldkey-XXXXXX)
# The receiver asks for a 256 MiB socket buffer so that the kernel drops nothing while it is descheduled on this
# shared machine: raise net.core.rmem_max (root only) and put it back on exit.
rmem_before=$(sysctl -n net.core.rmem_max 2>/dev/null || echo "")
trap '[ -z "$rmem_before" ] || sysctl -qw net.core.rmem_max="$rmem_before" 2>/dev/null || true; rm -rf "$work"; ab_cleanup' EXIT
[ -z "$rmem_before" ] || sysctl -qw net.core.rmem_max=$((256 << 20)) 2>/dev/null || true
export DOTNET_TC_CallCountingDelayMs=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

wait_for() { for _ in $(seq 800); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.05; done; echo "receiver did not print '$1'" >&2; cat "$2" >&2; exit 1; }
field() { sed -E "s/.*(^| )$1=([^ ]*).*/\2/" <<< "$2"; }
pct() { python3 -c "print(f'{100 * $1 / $2:.1f}')"; }

# run <dll> <ipv4|ipv6> <mode>: one receiver, one flood; prints "<receiver line>|<sender line>".
run() {
  taskset -c 0 dotnet "$1" receive "$2" "$cache" 2000 > "$work/recv" 2>&1 &
  local pid=$!
  wait_for ready "$work/recv"
  read -r _ port key < <(grep '^ready' "$work/recv")
  taskset -c 1 dotnet "$head_dll" flood "$3" "$port" "$key" "$rate" "$seconds" > "$work/sent"
  wait $pid
  echo "$(grep '^received' "$work/recv")|$(cat "$work/sent")"
}

rows=()
agreements=()
declare -A cpu new_pct est_lost
for round in $(seq "$rounds"); do
  for scenario in "ipv4 ipv4-10k" "ipv6 ipv6-64"; do
    read -r family mode <<< "$scenario"
    for side in base head; do
      dll=$base_dll; [ $side = head ] && dll=$head_dll
      line=$(run "$dll" "$family" "$mode")
      r=${line%%|*}; s=${line#*|}
      new_sent=$(field new "$s"); est_sent=$(field established "$s")
      new_filed=$(field new "$r"); est_filed=$(field established "$r")
      agreements+=("$(field agreement_us "$r")")
      cpu[$mode-$side]+="$(field cpu_us_per_forged "$r") "
      new_pct[$mode-$side]+="$(pct "$new_filed" "$new_sent") "
      est_lost[$mode-$side]+="$((est_sent - est_filed)) "
      rows+=("| $round | $mode | $side | $new_filed / $new_sent ($(pct "$new_filed" "$new_sent") %) | $est_filed / $est_sent | $(field forged "$s") at $(field rate "$s")/s | $(field received "$r") | $(field kernel_drops "$r") | $(field over_rate "$r") | $(field cold_key_budget "$r") ($(field refused_by_source "$r") / $(field refused_globally "$r")) | $(field undecryptable "$r") | $(field derived "$r") | $(field cpu_us_per_forged "$r") |")
    done
  done
done

{
  echo "# Cold keys under a flood of forged datagrams"
  echo
  echo "- command: \`BASE_BENCH_REV=$base_bench bench/run-coldkey.sh $base $rounds $rate $seconds $cache\` (the base built with the bench source of $base_bench)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); head $(ab_describe .), base $(ab_describe "$base") (the engine before the cold-path redesign)"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- each run: $rate forged datagrams/s for $seconds s (204 bytes, a fresh random sender key each, no valid tag) from 10 000 IPv4 sources or from random hosts of one IPv6 /64;"
  echo "  an established peer heard once before the flood, then every 4 s; a new peer from 1 s in, every 250 ms, 60 datagrams; the engine's defaults but a $cache-entry key cache;"
  echo "  receiver (\`Tern.ColdKeyBench receive\`, UdpNotificationListener + NotificationIngest) on core 0, sender (\`flood\`, sendmmsg with the source in IP_PKTINFO) on core 1; base and head alternate"
  echo "- CPU per forged datagram: the receive thread's CPU (user + system, /proc schedstat, from its first datagram to the end) over the datagrams it did not file"
  echo "- one key agreement (X25519 + BLAKE2b, what a new sender key costs), CPU measured by each receiver before its run: median $(median "${agreements[@]}") µs (${agreements[*]})"
  echo
  echo "| scenario | base: new peer filed % | head: new peer filed % | base: established peer lost | head: established peer lost | base: CPU µs/forged | head: CPU µs/forged | head / base CPU |"
  echo "|---|---|---|---|---|---|---|---|"
  for mode in ipv4-10k ipv6-64; do
    read -ra bc <<< "${cpu[$mode-base]}"; read -ra hc <<< "${cpu[$mode-head]}"
    bm=$(median "${bc[@]}"); hm=$(median "${hc[@]}")
    echo "| $mode | ${new_pct[$mode-base]} | ${new_pct[$mode-head]} | ${est_lost[$mode-base]} | ${est_lost[$mode-head]} | $bm | $hm | $(ratio "$hm" "$bm") |"
  done
  echo
  echo "| round | flood | engine | new peer filed | established peer filed | forged sent | datagrams received | kernel drops | over_rate | cold_key_budget (by source / global) | undecryptable | keys derived | CPU µs/forged |"
  echo "|---:|---|---|---|---|---|---:|---:|---:|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  # The reading of the figures is kept beside the report and appended to it.
  [ -f perf-reports/coldkey-notes.md ] && cat perf-reports/coldkey-notes.md
} > perf-reports/coldkey.md
for mode in ipv4-10k ipv6-64; do
  read -ra bc <<< "${cpu[$mode-base]}"; read -ra hc <<< "${cpu[$mode-head]}"; read -ra hp <<< "${new_pct[$mode-head]}"
  bm=$(median "${bc[@]}"); hm=$(median "${hc[@]}")
  summary_row "forged flood ($mode), $rate/s: CPU a forged datagram (before the cold-key redesign ÷ now)" "$hm µs; a new real peer $(median "${hp[@]}") % filed" "the engine at $(git rev-parse --short "$base") $bm µs" "$(ratio "$bm" "$hm")" "—"
done
summary_write
cat perf-reports/coldkey.md
