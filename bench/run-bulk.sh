#!/usr/bin/env bash
# Bulk transfer gateway to gateway (docs/PROTOCOL.md §17, issue 17) over the user-space link emulator: on the GEO link
# (600 ms RTT, 1 % loss, 20 Mbit/s) one blob of 10 MB, then 100 MB in one session for the steady goodput and the
# return-path bytes against the forward bytes, beside Tern's own HTTP/1.1 fetch of the same 10 MB over the same emulated
# link (TcpLink); on the LEO link (Gilbert–Elliott p = 0.01, q = 0.167, a 50 ms blackout every 15 s) 50 MB against the
# same link without loss or blackout. Writes perf-reports/bulk.md.
#   bench/run-bulk.sh [one blob MB] [steady MB] [LEO MB] [HTTP timeout s]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin bulk
one=${1:-10}
steady=${2:-100}
leo=${3:-50}
http_timeout=${4:-240}
dll=bench/Tern.BulkBench/bin/Release/net10.0/Tern.BulkBench.dll
[ -f "$dll" ] || { echo "build first: $dll missing (make build)" >&2; exit 1; }
report=perf-reports/bulk.md
out=$(mktemp /tmp/tern-bulk-XXXXXX)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
dotnet "$dll" "$one" "$steady" "$leo" "$http_timeout" >"$out"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
value() { awk -v k="#$1" '$1 == k { print $2 }' "$out"; }
{
  echo "# Bulk transfer between gateways over emulated GEO and LEO links"
  echo
  echo "- Command: \`bench/run-bulk.sh $one $steady $leo $http_timeout\` ($(( $(date +%s) - started )) s)"
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench tests/Tern.LinkEmulator || echo ' (with uncommitted changes)')"
  echo "- Machine: $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
  echo "- Load average before / after: $load_before / $load_after (a shared machine)"
  echo "- Both gateways, their transit stores and the link emulator (tests/Tern.LinkEmulator, real time) in one process on loopback;"
  echo "  a session of 2 MB over a fast link and an HTTP fetch of 1 MB run first, unreported, so no row pays the JIT."
  echo "  The sender paces to the contact's 20 Mbit/s; the emulator counts UDP payload bytes against the same rate."
  echo "- \"To last byte\": from the call of \`BulkSender.EnqueueAsync\` (the block is staged from the store as it is sent) to the"
  echo "  receiving gateway holding every byte of the block; \"to verified receipt\": to the call's return, after the receiver's hash"
  echo "  checks, its commit to its transit store and signature, the receipt's light time, and the Transferred journal at the sender."
  echo "- Goodput ÷ link rate: payload bits ÷ time to last byte ÷ 20 Mbit/s (headers, manifest and repairs count against it)."
  echo "- Return ÷ forward: bytes the emulator carried receiver → sender ÷ sender → receiver, over the whole session."
  echo "- Baseline: Tern's HTTP/1.1 fetch door serving the same 10 MB through a TcpLink with the GEO preset (server → client"
  echo "  20 Mbit/s), in the same run. TcpLink models a TCP flow's stalls (RTO per loss, head-of-line blocking), not Reno's"
  echo "  congestion window (docs/LINK-EMULATOR.md); the Mathis bound of issue 17 (~0.24 Mbit/s) is not reproduced."
  echo
  cat "$out" | grep -v '^#'
  echo
  echo "Targets (issue 17): one 10 MB blob ≤ 5.0 s (≥ 80 % of the link); steady goodput ≥ 0.9 of the link; return ÷ forward ≤ 3 %;"
  echo "LEO goodput ≥ 0.9 of the loss-free run."
} >"$report"
one_s=$(value one_seconds); http_s=$(value http_seconds)
summary_row "bulk, GEO: one ${one} MB blob gateway to gateway, to last byte (s; HTTP fetch ÷ bulk)" "$one_s s ($(value one_share) of the link)" "HTTP fetch over TcpLink: $http_s s" "$(awk -v a="$one_s" -v b="$http_s" 'BEGIN { if (b == "none" || a == 0) print "—"; else printf "%.2f", b / a }')" "≤ 5.0 s"
summary_row "bulk, GEO: steady goodput over ${steady} MB ÷ link rate" "$(value steady_goodput)" "the link's 20 Mbit/s" "$(value steady_goodput)" "≥ 0.9"
summary_row "bulk, GEO: return-path bytes ÷ forward bytes (lower is better)" "$(value return_ratio)" "forward bytes" "$(value return_ratio)" "≤ 0.03"
summary_row "bulk, LEO: goodput over ${leo} MB ÷ the loss-free run" "$(value leo_goodput) of the link" "loss-free: $(value leo_clean_goodput)" "$(value leo_ratio)" "≥ 0.9"
summary_write
rm -f "$out"
echo "wrote $report" >&2
