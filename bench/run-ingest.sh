#!/usr/bin/env bash
# Notification ingest (UDP → open → pending-table insert) beside two C receivers fed by the same C sendmmsg sender with
# the same sealed datagrams, every record with its own capability (each one a receiver opens is a real insert): the
# same-work baseline (bench/baselines/udp_ingest.c: recvmmsg, the §4.4 checks, a libsodium open under a cached key, an
# in-memory hash-table insert per record), the practical limit of this work, and the bare recvmmsg sink, the kernel's.
# The headline is capacity: each receiver empties a full socket (SIGSTOP while the sender fills it), so the sender's
# speed cannot bound it. Each receiver pinned to core 0, the sender to core 1; triples run back to back; medians
# reported. The one-sender runs stay as a check that nothing is dropped at a set rate. Then the CPU ceilings of Tern's
# per-datagram work without sockets, pinned to core 0 in the same script. Writes perf-reports/ingest.md.
#   bench/run-ingest.sh [rounds]          (after `make build`; DATAGRAMS_1 / DATAGRAMS_8 override the file sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin ingest
source bench/stats.sh
rounds="${1:-3}"
# The unpaced one-sender pairs are not the headline (the drain triples, which keep $rounds rounds): one pair each unless
# BENCH_FULL=1. Each pair's Tern receiver costs a warm-up and a pending table, and the three pairs of the 2026-12-06
# report agreed within 2-4 % (Tern 1077402-1119878 datagrams received of 2000000 in 2.31-2.33 s; 78278-81922 of
# 1000000 with 8 records), so one pair shows the same.
pair_rounds=$([ "${BENCH_FULL:-}" = 1 ] && echo "$rounds" || echo 1)
# The portable receiver (recvfrom) into the pending table and the receive strategies alone are for the record (recvmmsg
# is the default because it is faster): BENCH_FULL=1 runs them, about 40 s.
full=$([ "${BENCH_FULL:-}" = 1 ] && echo 1 || echo "")
port=47400
work=$(mktemp -d /tmp/tern-ingest-XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/udp_blaster" bench/baselines/udp_blaster.c
gcc -O2 -o "$work/udp_sink" bench/baselines/udp_sink.c
gcc -O2 -o "$work/udp_ingest" bench/baselines/udp_ingest.c -lsodium
bench_dll=bench/Tern.UdpBench/bin/Release/net10.0/Tern.UdpBench.dll
[ -f "$bench_dll" ] || { echo "build first: $bench_dll missing (make build)"; exit 1; }
# A short benchmark must not measure the tiered JIT's start-up delay: promote hot methods as soon as they are counted.
export DOTNET_TC_CallCountingDelayMs=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

wait_for() { for _ in $(seq 800); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.05; done; echo "receiver did not print '$1'" >&2; cat "$2" >&2; exit 1; }

# run <label> <datagrams> <warm-up datagrams> <receiver command...>: receiver on core 0, one pass of the file from core 1;
# prints label|receiver|sender. With a warm-up, warm.bin goes first and the file once the receiver prints "settled"
# (its warm-up traffic has stopped and its JIT has compiled what that queued).
run() {
  local label=$1 datagrams=$2 warm=$3; shift 3
  taskset -c 0 "$@" > "$work/out" 2>&1 &
  local pid=$!
  wait_for ready "$work/out"
  if [ "$warm" -gt 0 ]; then
    taskset -c 1 "$work/udp_blaster" -f "$work/warm.bin" 127.0.0.1 $port "$warm" > /dev/null
    wait_for settled "$work/out"
  fi
  [ -z "$drain" ] || kill -STOP $pid
  taskset -c 1 "$work/udp_blaster" ${pace:+-r "$pace"} -f "$work/datagrams.bin" 127.0.0.1 $port "$datagrams" > "$work/sent"
  [ -z "$drain" ] || kill -CONT $pid
  wait $pid
  rm -rf "$work"/pending-*
  echo "$label|$(grep -E '^received' "$work/out")|$(cat "$work/sent")|$(cut -d' ' -f1 /proc/loadavg)"
}
rate() { sed -E 's/.*: ([0-9]+)\/s.*/\1/' <<< "$1"; }
cpu_per() { sed -E 's/.*process CPU ([0-9.]+) [^ ]*\/datagram.*/\1/' <<< "$1"; }
records_rate() { sed -E 's/.*records (accepted [0-9]+ \()?([0-9]+)\/s.*/\2/' <<< "$1"; }
# CPU µs a record: the line's CPU a datagram × datagrams ÷ records accepted.
per_record() {
  local d r c
  d=$(sed -E 's/^received ([0-9]+) datagrams.*/\1/' <<< "$1"); r=$(sed -E 's/.*records accepted ([0-9]+).*/\1/' <<< "$1"); c=$(cpu_per "$1")
  python3 -c "print(f'{$c * $d / max($r, 1):.2f}')"
}

# Drain pairs: the receiver is stopped (SIGSTOP) while the sender fills its socket, then continued: it empties a full
# socket, so its rate is its own capacity, whatever the sender's speed. The socket must hold the whole burst: the
# script raises net.core.rmem_max (root only; put back on exit) and both receivers ask for DRAIN_BUFFER bytes.
drain_buffer=$((1 << 30))
rmem_before=$(sysctl -n net.core.rmem_max 2>/dev/null || echo "")
can_drain=""
if [ -n "$rmem_before" ] && sysctl -qw net.core.rmem_max=$drain_buffer 2>/dev/null; then
  can_drain=1
  trap 'sysctl -qw net.core.rmem_max='"$rmem_before"'; rm -rf "$work"' EXIT
  sysctl -qw net.core.rmem_max="$rmem_before"
fi
drain=""
drain_rows=()
strategy_rows=()
declare -A drain_summary
declare -A same_work_summary

declare -A summary
rows=()
pace=""
paced_line=""
ceilings=()
for records in 1 8; do
  if [ "$records" = 1 ]; then datagrams=${DATAGRAMS_1:-2000000} warm=${WARM_1:-200000}; else datagrams=${DATAGRAMS_8:-1000000} warm=${WARM_8:-50000}; fi
  dotnet "$bench_dll" gen "$work" "$datagrams" "$records" "$warm" > /dev/null
  c_rates=(); t_rates=(); t_records=(); pair_ratios=(); c_cpu=(); t_cpu=(); cpu_ratios=()
  for round in $(seq "$pair_rounds"); do
    c=$(run "C recvmmsg sink" "$datagrams" 0 "$work/udp_sink" $port 1000)
    t=$(run "Tern ingest, recvmmsg → pending table" "$datagrams" "$warm" dotnet "$bench_dll" ingest "$work" $port 1000 recvmmsg pending)
    cr=$(rate "$(cut -d'|' -f2 <<< "$c")"); tr=$(rate "$(cut -d'|' -f2 <<< "$t")")
    cc=$(cpu_per "$(cut -d'|' -f2 <<< "$c")"); tc=$(cpu_per "$(cut -d'|' -f2 <<< "$t")")
    c_cpu+=("$cc"); t_cpu+=("$tc"); cpu_ratios+=("$(ratio "$cc" "$tc")")
    c_rates+=("$cr"); t_rates+=("$tr"); t_records+=("$(records_rate "$(cut -d'|' -f2 <<< "$t")")"); pair_ratios+=("$(ratio "$tr" "$cr")")
    rows+=("| $records | $round | $(cut -d'|' -f1 <<< "$c") | $(cut -d'|' -f2 <<< "$c") | $(cut -d'|' -f3 <<< "$c") | $(cut -d'|' -f4 <<< "$c") |")
    rows+=("| $records | $round | $(cut -d'|' -f1 <<< "$t") | $(cut -d'|' -f2 <<< "$t") | $(cut -d'|' -f3 <<< "$t") | $(cut -d'|' -f4 <<< "$t") |")
  done
  # The portable receiver once, for the record (recvmmsg is the default because it is faster).
  f=""
  if [ -n "$full" ]; then
    f=$(run "Tern ingest, recvfrom → pending table" "$datagrams" "$warm" dotnet "$bench_dll" ingest "$work" $port 1000 receivefrom pending)
    rows+=("| $records | — | $(cut -d'|' -f1 <<< "$f") | $(cut -d'|' -f2 <<< "$f") | $(cut -d'|' -f3 <<< "$f") | $(cut -d'|' -f4 <<< "$f") |")
  fi
  if [ "$records" = 8 ]; then
    # Unpaced, the sender finishes in about a second while Tern is still warming up, and the kernel drops what its
    # socket cannot hold: the pairs above measure a cold start. A sustained rate needs a sender Tern can follow: the
    # same sender paced at PACE_8 datagrams/s (7 records each) for PACED_8 datagrams; every datagram is counted.
    paced_rate=${PACE_8:-50000}
    paced_count=${PACED_8:-500000}
    pace=$paced_rate
    p=$(run "Tern ingest, recvmmsg → pending table, sender paced at $paced_rate datagrams/s" "$paced_count" "$warm" dotnet "$bench_dll" ingest "$work" $port 1000 recvmmsg pending)
    pace=""
    rows+=("| $records | paced | $(cut -d'|' -f1 <<< "$p") | $(cut -d'|' -f2 <<< "$p") | $(cut -d'|' -f3 <<< "$p") | $(cut -d'|' -f4 <<< "$p") |")
    line=$(cut -d'|' -f2 <<< "$p")
    got=$(sed -E 's/^received ([0-9]+) datagrams.*/\1/' <<< "$line")
    paced_line="Sender paced at $paced_rate datagrams/s ($(( paced_rate * 7 )) notifications/s offered), $paced_count datagrams: Tern received $got of them ($(python3 -c "print(f'{100 * $got / $paced_count:.1f}')") %) and filed **$(records_rate "$line")** notifications/s after its warm-up, at $(cpu_per "$line") µs of CPU a datagram."
  fi
  if [ -n "$can_drain" ]; then
    sysctl -qw net.core.rmem_max=$drain_buffer
    drain=1
    if [ "$records" = 1 ]; then drained=${DRAIN_1:-1000000}; else drained=${DRAIN_8:-200000}; fi
    dc_rates=(); dt_rates=(); d_ratios=(); dc_cpu=(); dt_cpu=(); ds_rates=(); ds_cpu=(); ds_ratios=(); ds_per_record=(); dt_per_record=()
    for round in $(seq "$rounds"); do
      c=$(run "C recvmmsg sink, draining a full socket" "$drained" 0 "$work/udp_sink" $port 1000 $drain_buffer)
      w=$(run "C same work (udp_ingest), draining a full socket" "$drained" 0 "$work/udp_ingest" $port 1000 "$work/peer.bin" $((drained * records)) $drain_buffer)
      t=$(TERN_BENCH_RCVBUF=$drain_buffer run "Tern ingest, recvmmsg → pending table, draining a full socket" "$drained" "$warm" dotnet "$bench_dll" ingest "$work" $port 1000 recvmmsg pending)
      cr=$(rate "$(cut -d'|' -f2 <<< "$c")"); tr=$(rate "$(cut -d'|' -f2 <<< "$t")"); wr=$(rate "$(cut -d'|' -f2 <<< "$w")")
      dc_rates+=("$cr"); dt_rates+=("$tr"); d_ratios+=("$(ratio "$tr" "$cr")")
      ds_rates+=("$wr"); ds_ratios+=("$(ratio "$tr" "$wr")")
      dc_cpu+=("$(cpu_per "$(cut -d'|' -f2 <<< "$c")")"); dt_cpu+=("$(cpu_per "$(cut -d'|' -f2 <<< "$t")")"); ds_cpu+=("$(cpu_per "$(cut -d'|' -f2 <<< "$w")")")
      ds_per_record+=("$(per_record "$(cut -d'|' -f2 <<< "$w")")"); dt_per_record+=("$(per_record "$(cut -d'|' -f2 <<< "$t")")")
      drain_rows+=("| $records | $round | $(cut -d'|' -f1 <<< "$c") | $(cut -d'|' -f2 <<< "$c") | $(cut -d'|' -f3 <<< "$c") | $(cut -d'|' -f4 <<< "$c") |")
      drain_rows+=("| $records | $round | $(cut -d'|' -f1 <<< "$w") | $(cut -d'|' -f2 <<< "$w") | $(cut -d'|' -f3 <<< "$w") | $(cut -d'|' -f4 <<< "$w") |")
      drain_rows+=("| $records | $round | $(cut -d'|' -f1 <<< "$t") | $(cut -d'|' -f2 <<< "$t") | $(cut -d'|' -f3 <<< "$t") | $(cut -d'|' -f4 <<< "$t") |")
    done
    drain_summary[$records]="$drained|$(median "${dc_rates[@]}")|$(median "${dt_rates[@]}")|$(median "${d_ratios[@]}")|$(median "${dc_cpu[@]}")|$(median "${dt_cpu[@]}")"
    same_work_summary[$records]="$drained|$(median "${ds_rates[@]}")|$(median "${dt_rates[@]}")|$(median "${ds_ratios[@]}")|$(median "${ds_cpu[@]}")|$(median "${dt_cpu[@]}")|$(median "${ds_per_record[@]}")|$(median "${dt_per_record[@]}")|$(median "${dc_rates[@]}")|$(median "${d_ratios[@]}")"
    if [ "$records" = 1 ] && [ -n "$full" ]; then
      # The receive strategies alone (no ingest), on the same full socket: recvmmsg against one and several
      # Socket.ReceiveFrom(SocketAddress) loops, once each.
      for spec in "recvmmsg 1" "receivefrom 1" "receivefrom 2" "receivefrom 4"; do
        r=$(TERN_BENCH_RCVBUF=$drain_buffer run "Tern.UdpBench receive $spec, draining a full socket" "$drained" 0 dotnet "$bench_dll" receive $port 1000 $spec)
        strategy_rows+=("| ${spec% *} | ${spec#* } | $(rate "$(cut -d'|' -f2 <<< "$r")") | $(cpu_per "$(cut -d'|' -f2 <<< "$r")") |")
        drain_rows+=("| $records | — | $(cut -d'|' -f1 <<< "$r") | $(cut -d'|' -f2 <<< "$r") | $(cut -d'|' -f3 <<< "$r") | $(cut -d'|' -f4 <<< "$r") |")
      done
    fi
    drain=""
    sysctl -qw net.core.rmem_max="$rmem_before"
  fi
  summary[$records]="$(median "${c_rates[@]}")|$(median "${t_rates[@]}")|$(median "${t_records[@]}")|$(median "${pair_ratios[@]}")|$([ -n "$f" ] && rate "$(cut -d'|' -f2 <<< "$f")" || echo "— (BENCH_FULL=1)")|$(median "${c_cpu[@]}")|$(median "${t_cpu[@]}")|$(median "${cpu_ratios[@]}")"
  for mode in open counting pending; do
    p=$(taskset -c 0 dotnet "$bench_dll" process "$work" $mode); rm -rf "$work"/pending-*
    ceilings+=("| $records | $mode | $(rate "$p") | $(records_rate "$p") | $p |")
  done
  rm -rf "$work/b" "$work/datagrams.bin" "$work/warm.bin"
done
# What single FASTER operations cost on this machine: the pending-table insert is five of them.
faster_ops=$(taskset -c 0 dotnet "$bench_dll" faster "$work")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "# Notification ingest"
  echo
  echo "- command: \`${BENCH_FULL:+BENCH_FULL=$BENCH_FULL }bench/run-ingest.sh $rounds\` (after \`make build\`)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before / after: $load_before / $load_after (shared machine: other builds run alongside; each row also shows the 1-min load when it ended)"
  echo "- set-up: ${DATAGRAMS_1:-2000000} (1 record) and ${DATAGRAMS_8:-1000000} (8 records) sealed datagrams a.example → b.example, every record a distinct capability (recipient hashes drawn from 100 000), sent once each by the C sendmmsg sender (bench/baselines/udp_blaster.c) pinned to core 1; each receiver pinned to core 0 (\`taskset -c 0\`, the whole process: FASTER's and the GC's threads too); loopback"
  echo "- Tern's side: recvmmsg (64 per call) → header → per-source rate → cached peer key → XChaCha20-Poly1305 open → time rules → pull preference, per datagram; then per batch of up to 64 datagrams one prefetch pass (\`PendingTable.Prefetch\`) and \`PendingTableSink\` → \`PendingTable.TryInsert\` for each record (default sizes, indexes and log memory committed at open, temp directory); warmed up first by a separate burst from the same sender (\`warm.bin\`: ${WARM_1:-200000} / ${WARM_8:-50000} datagrams, other capabilities), then measured once that burst has stopped and the JIT has compiled nothing for 500 ms (\`System.Runtime.JitInfo\`); \`DOTNET_TC_CallCountingDelayMs=0\`"
  echo "- same-work baseline: bench/baselines/udp_ingest.c (C, libsodium $(pkg-config --modversion libsodium 2>/dev/null || echo '?')): recvmmsg (64 per call), length/version/type, a per-source token bucket, the derived key from a cache keyed by \`sender_key\`, XChaCha20-Poly1305 open with the header as associated data, every field of every record checked (§4.1–4.2), the time rules, and an insert per record into an in-memory open-addressing table keyed by capability, idempotent; no log, no disk, no per-recipient state"
  echo "- bare sink: bench/baselines/udp_sink.c, recvmmsg (64 per call) and a checksum over every 8th byte, the kernel's limit; every receiver counts from its first datagram of the measured file to its last and stops after 1 s without one"
  echo
  echo "## Headline: capacity against the same-work baseline (medians of $rounds triples)"
  echo
  if [ -n "$can_drain" ]; then
    echo "Each receiver is stopped (SIGSTOP) while the sender puts the whole burst in its socket, then continued: its rate is how fast it empties a full socket, which the sender cannot limit. CPU per record is the receiver's CPU over the burst divided by the records it accepted."
    echo
    echo "| records/datagram | datagrams in the socket | same work (C) datagrams/s | Tern datagrams/s | **Tern / same work** | CPU µs/datagram same work / Tern | CPU µs/record same work / Tern | bare sink datagrams/s | Tern / bare sink | target (Tern / same work) |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for records in 1 8; do
      IFS='|' read -r n w t r wc tc wpr tpr c cr <<< "${same_work_summary[$records]}"
      if [ "$records" = 1 ]; then target="≥ 0.7"; else target="≥ 0.5"; fi
      echo "| $records | $n | $w | $t | **$r** | $wc / $tc | $wpr / $tpr | $c | $cr | $target |"
    done
  else
    echo "Not measured: raising net.core.rmem_max needs root."
  fi
  echo
  echo "## One sender feeding each receiver (a check that nothing is dropped at a set rate; medians of $pair_rounds back-to-back pair(s); BENCH_FULL=1 runs $rounds)"
  echo
  echo "The sender's speed bounds these rates when the receiver keeps up, so their ratio says how fast the sender ran as much as how fast the receiver worked: it is not the headline."
  echo
  echo "| records/datagram | C sink datagrams/s | Tern datagrams/s | Tern notifications/s | ratio Tern / C (median of pair ratios) | Tern recvfrom datagrams/s (1 run) | CPU µs/datagram C / Tern | CPU-cost ratio C / Tern |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
  for records in 1 8; do
    IFS='|' read -r c t tn r f cc tc cr <<< "${summary[$records]}"
    echo "| $records | $c | $t | $tn | **$r** | $f | $cc / $tc | $cr |"
  done
  echo
  echo "$paced_line"
  echo
  echo "The throughput ratio is the target's measure. The CPU columns are each receiver's process CPU time (user + system) per datagram over the same window: on this shared machine a pinned receiver gets only part of its core, and when the C sink keeps up with the sender its rate is the sender's, so CPU cost is the steadier comparison."
  echo
  echo "## Capacity against the bare sink (the same triples)"
  echo
  if [ -n "$can_drain" ]; then
    echo "The receiver is stopped (SIGSTOP) while the sender puts the whole burst in its socket (receive buffer $drain_buffer bytes, net.core.rmem_max raised for the run), then continued: the rate is how fast it empties the socket, which the sender's speed cannot limit. Tern is warmed up and settled first, as above."
    echo
    echo "| records/datagram | datagrams in the socket | C sink datagrams/s | Tern datagrams/s | ratio Tern / C (median of pair ratios) | CPU µs/datagram C / Tern |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for records in 1 8; do
      IFS='|' read -r n c t r cc tc <<< "${drain_summary[$records]}"
      echo "| $records | $n | $c | $t | **$r** | $cc / $tc |"
    done
    echo
    if [ -n "$full" ]; then
      echo "The receive strategies alone (\`Tern.UdpBench receive\`: read and touch every 8th byte, as the C sink does, no ingest), emptying the same full socket of one-record datagrams, once each:"
      echo
      echo "| receiver | loops on the socket | datagrams/s | CPU µs/datagram |"
      echo "|---|---:|---:|---:|"
      printf '%s\n' "${strategy_rows[@]}"
    else
      echo "The receive strategies alone (\`Tern.UdpBench receive\`, recvmmsg against one to four recvfrom loops) run with BENCH_FULL=1."
    fi
  else
    echo "Not measured: raising net.core.rmem_max needs root."
  fi
  echo
  echo "## Ceilings: the same per-datagram work without sockets, every datagram of the file once, pinned to core 0"
  echo
  echo "\`open\`: header + XChaCha20-Poly1305 open + layout check only. \`counting\`: all of \`NotificationIngest\` (staged and flushed 64 datagrams at a time, as the receive loop does) with a sink that only counts. \`pending\`: all of it into the pending table (as in the UDP run)."
  echo
  echo "| records/datagram | work | datagrams/s | notifications/s | output |"
  echo "|---:|---|---:|---:|---|"
  printf '%s\n' "${ceilings[@]}"
  echo
  echo "An insert into the pending table is five FASTER operations (read the capability, read the recipient state, upsert the reference, the state and the capability). Alone, at random keys, on core 0 of this machine (\`Tern.UdpBench faster\`): $faster_ops."
  echo
  echo "## Every run"
  echo
  echo "| records/datagram | pair | receiver | receiver's line | sender's line | 1-min load after |"
  echo "|---:|---:|---|---|---|---:|"
  printf '%s\n' "${rows[@]}"
  [ -z "$can_drain" ] || printf '%s\n' "${drain_rows[@]}"
} > "$work/report.md"
if [ -f perf-reports/ingest-notes.md ]; then { echo; cat perf-reports/ingest-notes.md; } >> "$work/report.md"; fi
cp "$work/report.md" perf-reports/ingest.md
for records in 1 8; do
  if [ -n "$can_drain" ]; then
    IFS='|' read -r n w t r wc tc wpr tpr c cr <<< "${same_work_summary[$records]}"
    if [ "$records" = 1 ]; then target="≥ 0.7"; else target="≥ 0.5"; fi
    summary_row "notification ingest capacity, full socket, $records record(s) asked a datagram (Tern ÷ same work, datagrams/s)" "$t/s, $tc µs CPU a datagram, $tpr a record" "same work in C (udp_ingest.c) $w/s, $wc µs, $wpr a record" "$r" "$target"
  else
    summary_row "notification ingest capacity, $records record(s) a datagram" "not measured: raising net.core.rmem_max needs root" "same work in C" "—" "≥ 0.7 / ≥ 0.5"
  fi
done
summary_write
cat perf-reports/ingest.md
