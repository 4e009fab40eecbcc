#!/usr/bin/env bash
# End-to-end latency (DESIGN.md §4): submit → notify → pull immediately → stored, on loopback, target p50 < 5 ms.
# One process (bench/Tern.Load e2e) runs two nodes composed by AddTernNode (hosts/Tern.Node), as `tern run` composes
# them, with stamping decorators on the steps: a.example (transit store, delivery scheduler with the protocol's backoff,
# sendmmsg transport, framed fetch door) and b.example (UDP notification port, ingest, pending table, immediate pull
# queue, pull worker, durable message store); bob at b.example pulls a.example immediately. 1 KiB messages go one at a
# time: each is timed from the start of the submit call to the pull worker reporting it durably stored.
# Baseline, in the same process, alternating with Tern in blocks of 250 messages: the same steps' disk and network work
# without Tern's logic (bench/Tern.Load/E2e/FloorPipeline.cs): append 1 KiB to a log file + fsync; one 256-byte UDP
# datagram over loopback to a thread blocked in recvfrom; a 32-byte request and the 1 KiB answer on a kept-alive TCP
# connection (TCP_NODELAY); the 1 KiB written to a new file, fsync of the file and of its directory.
# Not pinned: both domains and the baseline share the process and need both cores (a sender, a recipient and a blob
# server run concurrently); pinning them to one core would measure the scheduler, not the path.
# Writes perf-reports/e2e.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/e2e.md
count="${E2E_COUNT:-2000}"
size="${E2E_SIZE:-1024}"
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-e2e-XXXXXX")
trap 'rm -rf "$work"' EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
field() { sed -n "s/^$1 .*\\b$2=\\([0-9.]*\\).*/\\1/p" <<< "$out"; }

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo " (with uncommitted changes)")
load_before=$(loadavg)
echo "work: $work; commit $commit; load before: $load_before; $count messages of $size bytes"
out=$(dotnet "$load" e2e "$work/run" "$count" "$size")
load_after=$(loadavg)
echo "$out"

t50=$(field RESULT p50_ms) t90=$(field RESULT p90_ms) t99=$(field RESULT p99_ms) tmax=$(field RESULT max_ms)
b50=$(field BASELINE p50_ms) b90=$(field BASELINE p90_ms) b99=$(field BASELINE p99_ms) bmax=$(field BASELINE max_ms)
verdict=$(python3 -c "print('met' if $t50 < 5 else 'not met')")
stage_row() { echo "| $1 | $(field STAGES "$2_p50_ms") / $(field STAGES "$2_p90_ms") | $3 | $(field BASELINE_STAGES "$2_p50_ms") / $(field BASELINE_STAGES "$2_p90_ms") |"; }

{
  echo "# End-to-end latency: submit → notify → pull immediately → stored"
  echo
  echo "- command: \`bench/run-e2e.sh\` (after \`make build\`; \`E2E_COUNT=$count E2E_SIZE=$size\`), which runs \`dotnet bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll e2e <dir> $count $size\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $commit"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before / after: $load_before / $load_after (other work shares this machine; figures drift between runs)"
  echo "- disk: $(df -h "$work" | awk 'NR==2 {print $1 ", " $2 " total"}'), directory $(dirname "$work")"
  echo "- one process, not pinned (both domains and the baseline use both cores); $count messages of $size bytes measured for each, after 200 warm-up messages of each not counted; Tern and the baseline alternate in blocks of 250"
  echo
  echo "## What is measured"
  echo
  echo "**Tern**: a.example and b.example composed on loopback as the demo composes them (\`hosts/Tern.Cli/Demo/DemoDomain.cs\`),"
  echo "with the protocol's own retransmission schedule (2 s doubling; the first notification leaves when the submission is"
  echo "scheduled) and a transit store with default options. Bob at b.example pulls a.example immediately. One message at a"
  echo "time: \`TransitStore.SubmitAsync\` (durable: bucket log and journal committed), \`NotificationScheduler.Schedule\`, the sealed"
  echo "datagram over \`sendmmsg\`, \`recvmmsg\` + decrypt + pending-table insert at b.example, the immediate pull queue, the"
  echo "pull worker's framed fetch (plain TCP on loopback, one kept-alive connection), size and BLAKE2b-256 check, and the"
  echo "message store's durable commit (the metadata written and fsynced concurrently with an fsync of the blob, the rename,"
  echo "fsync of the directory)."
  echo "The clock runs from the start of the submit call to \`PullWorker.Completed\` reporting the message stored."
  echo
  echo "**Baseline** (\`bench/Tern.Load/E2e/FloorPipeline.cs\`), the same steps' disk and network work with none of Tern's logic,"
  echo "in the same process, back to back with Tern: the sender appends $size bytes to a log file and fsyncs it; it sends one"
  echo "256-byte UDP datagram over loopback to the recipient's thread, blocked in \`recvfrom\`; that thread sends a 32-byte"
  echo "request on a kept-alive TCP connection (TCP_NODELAY) to the sender's serving thread, which answers with the $size bytes"
  echo "from memory; the recipient writes them to a new file, fsyncs it and fsyncs its directory. Two dedicated threads"
  echo "with blocking sockets; no encryption, hashing, index or queue."
  echo
  echo "## Result"
  echo
  echo "| what | p50 ms | p90 ms | p99 ms | max ms |"
  echo "|---|---:|---:|---:|---:|"
  echo "| baseline: the floor of the same disk and network work | $b50 | $b90 | $b99 | $bmax |"
  echo "| Tern: submit → notify → pull immediately → stored | $t50 | $t90 | $t99 | $tmax |"
  echo "| ratio Tern / baseline | **$(ratio "$t50" "$b50")** | $(ratio "$t90" "$b90") | $(ratio "$t99" "$b99") | |"
  echo
  echo "Target p50 < 5 ms: **$verdict** (p50 $t50 ms)."
  echo
  echo "## Where the time goes (p50 / p90 of each stage, ms)"
  echo
  echo "| stage (Tern) | Tern | stage (baseline) | baseline |"
  echo "|---|---:|---|---:|"
  stage_row "submit: call start → acknowledged (durable)" submit "append + fsync"
  stage_row "send: acknowledged → datagram sealed by the scheduler, about to go to sendmmsg" send "(inline)"
  stage_row "notify: sendmmsg, recvmmsg, decrypt → reference filed in b.example's pending table" notify "UDP sendto → recipient thread"
  stage_row "fetch: → the pull worker's fetch returned (bytes in the partial file)" fetch "TCP request → 1 KiB answer"
  stage_row "store: → verified and durably stored" store "new file + fsync + directory fsync"
  echo
  echo "The five slowest Tern messages, total = submit / send / notify / fetch / store (ms): $(sed -n 's/^SLOWEST //p' <<< "$out")."
  echo
  echo "Stages are stamped by decorators around the scheduler's transport, the ingest's sink and the pull worker's fetch"
  echo "sources (\`bench/Tern.Load/E2e/Stamping*.cs\`); each stage's percentiles are taken on their own, so they do not add up"
  echo "to the total's."
  echo
  echo "## Reading these figures"
  echo
  echo "- Both columns are dominated by the disk: the baseline's p50 is almost entirely its fsyncs (one on the sender, two"
  echo "  on the recipient); loopback UDP and TCP cost tens to a hundred or so microseconds. Compare Tern's stages with"
  echo "  the baseline's row by row: submit and store are disk work, send, notify and fetch are code and hand-offs."
  echo "- Tern's submit commits two FasterLogs (the expiry bucket's and the journal) in parallel; each commit writes its"
  echo "  tail page synchronously, then its commit metadata in place into one of two preallocated slots (O_SYNC), against"
  echo "  the baseline's one fsync (docs/ARCHITECTURE.md §3.1; FASTER's fast commit mode would save the second write but"
  echo "  stalled under concurrent submissions). The recipient's store flushes the blob and its metadata concurrently, then"
  echo "  renames and flushes the directory: two flush rounds, as the baseline's two fsyncs. The fetched mark on the sender"
  echo "  is one more journal commit, in the background, sharing the disk with the recipient's fsyncs."
  echo "- Before the slot commit metadata, the message store's two-round commit and hashing while the fetch writes (commit"
  echo "  dbe778f, this script, load average 1.5–1.8): Tern p50 7.45 ms / p90 12.36 / p99 19.87 against the baseline's"
  echo "  2.00 / 4.03 / 11.89 (ratio 3.72 at p50); stages, Tern against baseline p50: submit 2.81 against 0.51 ms (a"
  echo "  commit-metadata file created, written O_SYNC and the previous one deleted per commit, for each of the two logs),"
  echo "  fetch 0.86 against 0.10, store 3.31 against 1.32 (three fsyncs in a row, the partial file read back to hash it)."
  echo "  The tables above are after."
  echo "- Messages go one at a time, so group commit cannot help here: this is the latency of a quiet node, not of a loaded one."
  echo "- Absolute figures follow the machine's disk and load (see the load averages above); the ratio to the baseline run"
  echo "  in the same process is the measure. The tail (p99, max) on this shared machine is mostly fsync outliers, which hit"
  echo "  both columns."
} > "$report"
echo "wrote $report"
