#!/usr/bin/env bash
# Event-log latency (issue 15): a node with EVENTS_USERS users and EVENTS_COUNT events already in its log; per sample a
# random user's PUT /v1/hashes appends one durable event while another connection of the user waits by long poll, then
# on an SSE stream. Beside it in the same run: the PUT's own round trip and a bare in-memory channel. Writes
# perf-reports/events.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
source bench/summary.sh
summary_begin events
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/events.md
users="${EVENTS_USERS:-10000}"
count="${EVENTS_COUNT:-1000000}"
samples="${EVENTS_SAMPLES:-200}"
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-events-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(nice -n 10 dotnet "$load" events "$work/node" "$users" "$count" "$samples")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# Event-log poll and push latency"
  echo
  echo "Command: \`bench/run-events.sh\` (EVENTS_USERS=$users EVENTS_COUNT=$count EVENTS_SAMPLES=$samples), i.e."
  echo "\`nice -n 10 dotnet $load events <dir> $users $count $samples\`"
  echo
  echo "- Machine: $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "- Commit: $(git rev-parse --short HEAD) ($(git log -1 --format=%cd --date=iso))"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Load average before / after: $load_before / $load_after (a shared machine: other builds, tests and a fuzz campaign ran meanwhile)"
  echo
  echo "One node, $users users, $count events seeded in its log (the node opens and indexes them at start, as after a"
  echo "restart). Per sample, one user appends one durable event (PUT /v1/hashes, answered after the fsync) while a second"
  echo "connection of that user waits: by long poll (GET /v1/events?wait=30), then on an open SSE stream. Latency is from"
  echo "just before the PUT is sent to the waiting client having the event. Baselines in the same run: the PUT's own round"
  echo "trip (the durable append, answered) and a bare in-memory channel (write to read of one item, no HTTP, no disk)."
  echo
  echo '```'
  echo "$out"
  echo '```'
  echo
  echo "The poll's latency is the append's: the waiter is woken at the commit that also answers the PUT, so the ratio of the"
  echo "two p50s is the event log's cost on top of the durable append. The p99 is the shared machine's fsync and scheduling"
  echo "tail, not the log: the bare channel's p99 on the same machine shows the scheduling part."
} > "$report"
cat "$report"
p50() { grep -m1 "^$1" <<< "$out" | sed -E 's/.*p50=([0-9.]+) ms.*/\1/'; }
put=$(p50 "PUT"); poll=$(p50 "long poll"); push=$(p50 "SSE push")
summary_row "event-log long poll, $users users and $count events: append → answer p50 (the append's round trip ÷ it)" "$poll ms" "PUT /v1/hashes round trip $put ms" "$(ratio "$put" "$poll")" "—"
summary_row "event-log SSE push, same node: append → event p50 (the append's round trip ÷ it)" "$push ms" "PUT /v1/hashes round trip $put ms" "$(ratio "$put" "$push")" "—"
summary_write
