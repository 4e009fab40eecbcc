#!/usr/bin/env bash
# The link emulator's own ceiling on this machine (tests/Tern.LinkEmulator, issue 17): UDP offered at each configured
# rate through a UdpLink limited to it, beside the same traffic sent directly over loopback; a TCP bulk transfer through
# a TcpLink at each rate and unlimited, beside direct loopback; and the round-trip latency the UDP relay adds at zero
# configured delay, beside direct. So later gateway figures can say the emulator was not the bottleneck. Writes
# perf-reports/linkemu.md.
#   bench/run-linkemu.sh [seconds per step] [rates in Mbit/s, comma-separated]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
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
rm -f "$out"
echo "wrote $report" >&2
