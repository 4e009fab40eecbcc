#!/usr/bin/env bash
# The link emulator's own ceiling on this machine (tests/Tern.LinkEmulator, issue 17): UDP offered at each configured
# rate through a UdpLink limited to it, beside the same traffic sent directly over loopback; a TCP bulk transfer through
# a TcpLink at each rate and unlimited, beside direct loopback; and the round-trip latency the UDP relay adds at zero
# configured delay, beside direct. So later gateway figures can say the emulator was not the bottleneck. Writes
# perf-reports/linkemu.md.
#   bench/run-linkemu.sh [seconds per step] [rates in Mbit/s, comma-separated]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin linkemu
seconds=${1:-2}
rates=${2:-20,50,100,200,400,800}
dll=bench/Tern.LinkEmuBench/bin/Release/net10.0/Tern.LinkEmuBench.dll
[ -f "$dll" ] || { echo "build first: $dll missing (make build)" >&2; exit 1; }
report=perf-reports/linkemu.md
out=$(mktemp /tmp/tern-linkemu-XXXXXX)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
dotnet "$dll" "$seconds" "$rates" >"$out"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Link emulator calibration"
  echo
  echo "- Command: \`bench/run-linkemu.sh $seconds $rates\`"
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- tests/Tern.LinkEmulator bench/Tern.LinkEmuBench || echo ' (with uncommitted changes to the emulator or bench)')"
  echo "- Machine: $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
  echo "- Load average before / after: $load_before / $load_after (a shared machine: other builds and a fuzz campaign at nice 19)"
  echo "- Baseline: the same traffic sent directly over loopback in the same run (rows \"direct\"); ratio = received rate / configured rate"
  echo
  cat "$out"
} >"$report"
# The headline: the highest UDP rate the link carried whole (every datagram, ≥ 98 % of the rate), beside direct.
best=$(awk -F'|' '$3 ~ /link/ && $4 + 0 == $5 + 0 && $9 + 0 >= 0.98 { gsub(/ /, "", $2); r = $2; l = $9 } $3 ~ /direct/ { gsub(/ /, "", $2); d[$2] = $9 } END { if (r) printf "%s %s %s\n", r, l, d[r] }' "$out")
if [ -n "$best" ]; then
  read -r best_rate link_ratio direct_ratio <<< "$best"
  summary_row "link emulator (test equipment), UDP: the highest rate tried carried whole (received ÷ configured, link ÷ direct)" "$best_rate Mbit/s at $link_ratio of the rate" "direct loopback at $direct_ratio" "$(awk -v a="$link_ratio" -v b="$direct_ratio" 'BEGIN { printf "%.3f", a / b }')" "not the bottleneck of the gateway figures"
else
  summary_row "link emulator (test equipment), UDP" "no rate tried was carried whole" "direct loopback" "—" "not the bottleneck of the gateway figures"
fi
summary_write
rm -f "$out"
echo "wrote $report" >&2
