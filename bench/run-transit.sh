#!/usr/bin/env bash
# Transit store benchmarks (bench/Tern.Load), each beside a baseline run in the same script, back to back:
#  (a) durable 1 KiB submissions/s with many concurrent submitters (group commit), beside dd writing 1 KiB records
#      with one fdatasync each (what a store without group commit could at best do on this disk). Three rounds, each
#      running the store with its defaults (blob logs direct, journal through the page cache), with both logs through the
#      page cache, and with both on FASTER's write-through device (the write path before Tern's device): the A/B.
#  (b) write MB/s of one 1 GiB blob, beside `dd bs=1M count=1024 conv=fdatasync` into the same directory, run just
#      before each store run, each after the same settle (sync, then an idle pause). Three rounds, each: dd O_DIRECT
#      with one fsync (the same work as a direct blob log), then dd and the store with direct blob-log writes (the default), dd and the
#      store through the page cache (writeback started per page), dd and the store on FASTER's device. Alternating,
#      because this shared machine's disk throughput drifts from second to second. Each store process writes a 256 MiB
#      blob first (its rate is the cold figure) so that the measured write runs compiled, as in a running node.
# Also measures the ceilings of (b): a bare FasterLog on each device, dd with O_DIRECT (the disk without the page
# cache), the payload-tree hash alone (BLAKE2b-256, the payload hash before the tree, beside it for the record), the
# kernel's copy into the page cache alone, and fdatasync against fsync after small appends.
# Writes perf-reports/transit.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin transit
source bench/stats.sh
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/transit.md
seconds="${SUBMIT_SECONDS:-10}"
concurrency="${SUBMIT_CONCURRENCY:-256}"
full="${BENCH_FULL:-0}"
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-transit-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }

result() { sed -n 's/.*RESULT.* '"$2"'=\([0-9.]*\).*/\1/p' <<< "$1"; }
label() { case $1 in direct) echo "direct (default)";; pagecache) echo "page cache";; pagecache-nowriteback) echo "page cache, no writeback per page";; writethrough) echo "FASTER's device";; esac; }
# The disk of this VM is still busy for seconds after a large write or a large delete (the host's cache, and the
# discard of a deleted file's blocks): whatever runs next pays for it. So every measured 1 GiB write, dd's and the
# store's alike, starts after the same settle: everything synced, then an idle pause. The store's process writes its
# warm-up blob and then pauses as long (TERN_BENCH_SETTLE_SECONDS) before its measured write.
settle_seconds="${SETTLE_SECONDS:-5}"
export TERN_BENCH_SETTLE_SECONDS="$settle_seconds"
settle() { sync; sleep "$settle_seconds"; }
dd_gib() { # prints "<MB/s> <CPU seconds>" of one dd of 1 GiB: with fdatasync, or "direct" (O_DIRECT, then one fsync)
  local TIMEFORMAT='%U %S' flags="bs=1M count=1024 conv=fdatasync"
  [ "${1:-}" = direct ] && flags="bs=4M count=256 oflag=direct conv=fsync"
  settle
  # shellcheck disable=SC2086
  { time dd if=/dev/zero of="$work/dd.bin" $flags 2> "$work/dd.err"; } 2> "$work/dd.time"
  rm -f "$work/dd.bin"
  python3 -c "import re,sys; m=re.search(r'copied, ([0-9.]+) s', sys.argv[1]); u,s=sys.argv[2].split(); print(round(1024/float(m.group(1))), f'{float(u)+float(s):.2f}')" "$(tail -1 "$work/dd.err")" "$(cat "$work/dd.time")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# (a) submissions: three rounds of the three device choices with $concurrency submitters (medians reported), then one
# run of the default with 4x as many.
echo "submissions: $seconds s per run, 1 KiB blobs"
submit_rows=""
pc=(); mixed=(); unbuf=()  # defaults (direct blobs), both through the page cache, both on FASTER's device
submit() { # label blob-writes journal-writes submitters; sets $rate
  local out
  out=$(dotnet "$load" transit-submit "$work/submit" "$seconds" "$4" 1024 "$2" "$3")
  rm -rf "$work/submit"
  rate=$(result "$out" per_second)
  echo "$1, $4 submitters: $out"
  submit_rows+="| $1 | $4 | $rate | $(result "$out" per_commit) |"$'\n'
}
# The defaults (the headline row) run three rounds; the two other device choices, the record of an A/B settled long
# ago (perf-reports/transit-notes.md), run in the first round only: their rows stay, from one run each (a median of one),
# and the round still puts all three side by side. BENCH_FULL=1 runs them in every round. The defaults' own rounds
# spread ±12 % (36763-45779/s in the 2026-12-06 report), so they keep three rounds of $seconds s.
for round in 1 2 3; do
  submit "defaults (direct blobs, page-cache journal)" direct pagecache "$concurrency"; pc+=("$rate")
  [ "$round" = 1 ] || [ "$full" = 1 ] || continue
  submit "page cache" pagecache pagecache "$concurrency"; mixed+=("$rate")
  submit "FASTER's device" writethrough writethrough "$concurrency"; unbuf+=("$rate")
done
submit "defaults (direct blobs, page-cache journal)" direct pagecache $((concurrency * 4))
submits=$(median "${pc[@]}"); submits_mixed=$(median "${mixed[@]}"); submits_unbuf=$(median "${unbuf[@]}")
dsync_count=2000
start=$(date +%s.%N)
dd if=/dev/zero of="$work/dsync.bin" bs=1k count=$dsync_count oflag=dsync status=none
end=$(date +%s.%N)
dsync_rate=$(python3 -c "print(round($dsync_count / max($end - $start, 0.001)))")
rm -f "$work/dsync.bin"

# (b) one 1 GiB blob, each store run just after its own dd; CPU seconds beside each (the store's counted over the write
# alone, dd's over its whole run): on a shared machine the CPU a write needs is steadier than its time.
rows=""
variants=(direct pagecache writethrough)
declare -A ratios mbs_of median_ratio median_mbs
same_work=()
# As in (a): the default (direct) in three rounds, each beside its own dd (their ratios spread 1.09-1.17 in the
# 2026-12-06 report: the median is stable), the page cache and FASTER's device in the first round only, unless
# BENCH_FULL=1. Each measured write still starts after the same settle, so the rounds that skip them measure the same.
for i in 1 2 3; do
  # The same work as a direct blob log, by dd: O_DIRECT writes of 4 MiB, one at a time, then one fsync.
  read -r dd_direct_mbs dd_direct_cpu <<< "$(dd_gib direct)"
  same_work+=("$dd_direct_mbs")
  rows+="| $i | (dd O_DIRECT + fsync) | $dd_direct_mbs | $dd_direct_cpu | | | | |"$'\n'
  for v in "${variants[@]}"; do
    [ "$v" = direct ] || [ "$i" = 1 ] || [ "$full" = 1 ] || continue
    read -r dd_mbs dd_cpu <<< "$(dd_gib)"
    settle
    out=$(dotnet "$load" transit-blob "$work/blob" 1024 "$v"); rm -rf "$work/blob"
    mbs=$(result "$out" mb_per_second); cpu=$(result "$out" cpu_seconds); cold=$(result "$out" cold_mb_per_second)
    r=$(ratio "$mbs" "$dd_mbs")
    ratios[$v]+="$r "; mbs_of[$v]+="$mbs "
    rows+="| $i | $(label "$v") | $dd_mbs | $dd_cpu | $mbs | $cpu | $r | $cold |"$'\n'
    echo "round $i, $v: dd $dd_mbs MB/s ($dd_cpu s CPU), Tern $mbs MB/s ($cpu s CPU), ratio $r; cold $cold MB/s"
  done
done
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  median_ratio[$v]=$(median ${ratios[$v]}); median_mbs[$v]=$(median ${mbs_of[$v]})
done
same_work_median=$(median "${same_work[@]}")

# What bounds (b): a bare FasterLog on each device with the store's page and buffer sizes, the payload hash on one
# core, and the sync call the page-cache device makes at commit against the BCL's.
out=$(dotnet "$load" fasterlog-raw "$work/raw" 1024 direct); rm -rf "$work/raw"
raw_direct=$(result "$out" mb_per_second); raw_direct_cpu=$(result "$out" cpu_seconds)
out=$(dotnet "$load" fasterlog-raw "$work/raw" 1024 pagecache); rm -rf "$work/raw"
raw_pc=$(result "$out" mb_per_second); raw_pc_cpu=$(result "$out" cpu_seconds)
dd_direct=$(dd if=/dev/zero of="$work/dd.bin" bs=4M count=256 oflag=direct 2>&1 | tail -1 | python3 -c "import re,sys; print(round(1024/float(re.search(r'copied, ([0-9.]+) s', sys.stdin.read()).group(1))))")
rm -f "$work/dd.bin"
out=$(dotnet "$load" fasterlog-raw "$work/raw" 1024 writethrough); rm -rf "$work/raw"
raw_unbuf=$(result "$out" mb_per_second); raw_unbuf_cpu=$(result "$out" cpu_seconds)
out=$(dotnet "$load" payload-tree 1024)
tree_mbs=$(result "$out" mb_per_second)
out=$(dotnet "$load" blake2b 1024)
hash_mbs=$(result "$out" mb_per_second)
copy_rows=""
for ring in "1 4" "8 1" "8 4" "16 4"; do
  read -r slots mib <<< "$ring"
  out=$(dotnet "$load" page-cache-copy "$work/copy" "$slots" "$mib"); rm -rf "$work/copy"
  copy_rows+="| $((slots * mib)) MiB ($slots × $mib MiB) | $(result "$out" cpu_seconds) | $(result "$out" seconds) |"$'\n'
done
out=$(dotnet "$load" sync-calls "$work/sync" 1500); rm -rf "$work/sync"
fdatasync_rate=$(result "$out" fdatasync_per_second); fsync_rate=$(result "$out" fsync_per_second)
echo "ceilings: dd O_DIRECT $dd_direct MB/s; FasterLog alone $raw_direct MB/s (direct) / $raw_pc MB/s (page cache) / $raw_unbuf MB/s (FASTER's device), payload tree $tree_mbs MB/s, BLAKE2b $hash_mbs MB/s; fdatasync $fdatasync_rate/s, fsync $fsync_rate/s"

{
  echo "# Transit store benchmarks"
  echo
  echo "- command: \`${BENCH_FULL:+BENCH_FULL=$BENCH_FULL }bench/run-transit.sh\` (after \`make build\`)"
  echo "- rounds: the defaults in 3; the page cache and FASTER's device $([ "$full" = 1 ] && echo "in 3 as well (BENCH_FULL=1)" || echo "in the first only (their medians are of one run; BENCH_FULL=1 runs them in all 3)")"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before / after the run: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) (other work shares this machine; figures drift between runs)"
  echo "- disk: $(df -h "$work" | awk 'NR==2 {print $1 ", " $2 " total"}'), $(df -T "$work" | awk 'NR==2 {print $2}'), directory $(dirname "$work")"
  echo "- store options: defaults (blob pages 4 MiB, 32 MiB buffer per bucket, 64 MiB segments, 256 KiB chunks, journal pages 1 MiB), except the log device where a row names it"
  echo "- devices: *direct* = \`TransitLogWrites.Direct\` (the blob logs' default: Tern's \`SegmentFileDevice\` writing each page with O_DIRECT from one drain thread per log, 4 KiB sectors, one fsync per written segment at commit, before the commit record); *page cache* = \`TransitLogWrites.PageCache\` (the journal's default: the same device writing with pwrite through the page cache, sync_file_range started after each blob-log page); *FASTER's device* = \`TransitLogWrites.WriteThrough\` (FASTER's ManagedLocalStorageDevice: each page written O_SYNC from a pool thread, several at a time: the write path before Tern's device)"
  echo
  echo "## (a) Durable 1 KiB submissions, $seconds s per run"
  echo
  echo "Acknowledged only after the bucket log and the journal are committed (group commit). Target ≥ 20k/s."
  echo
  echo "| what | per second (median of the rounds it ran in) | ratio to dd |"
  echo "|---|---|---|"
  echo "| baseline: \`dd bs=1k count=$dsync_count oflag=dsync\` (one durable 1 KiB write per sync) | $dsync_rate | 1.0 |"
  echo "| Tern \`SubmitAsync\`, 1 KiB, 1 recipient, $concurrency submitters, defaults (direct blob logs, page-cache journal) | $submits | $(ratio "$submits" "$dsync_rate" 1) |"
  echo "| the same, both logs through the page cache | $submits_mixed | $(ratio "$submits_mixed" "$dsync_rate" 1) |"
  echo "| the same, both logs on FASTER's device | $submits_unbuf | $(ratio "$submits_unbuf" "$dsync_rate" 1) |"
  echo
  echo "Defaults against FASTER's device, medians of this run: **$(ratio "$submits" "$submits_unbuf")×** (both through the page cache: $(ratio "$submits_mixed" "$submits_unbuf")×)."
  echo
  echo "Every run, in the order run (submissions/s and how many shared each group commit):"
  echo
  echo "| devices | submitters | submissions/s | per commit |"
  echo "|---|---|---|---|"
  printf '%s' "$submit_rows"
  echo
  echo "## (b) One 1 GiB blob: write MB/s (streamed, chunked, payload tree hashed while streaming, committed)"
  echo
  echo "Baseline: \`dd if=/dev/zero of=<same dir>/dd.bin bs=1M count=1024 conv=fdatasync\`, run just before each store run. Target ratio ≥ 0.8."
  echo "Every dd and every measured store write starts after the same settle: \`sync\`, then $settle_seconds s idle (the store's process pauses as long after its warm-up blob)."
  echo "Each round also runs the same work as a direct blob log by dd (\`dd bs=4M count=256 oflag=direct conv=fsync\`: O_DIRECT writes, one at a time, then one fsync)."
  echo "CPU seconds: the store's over the write alone (\`Environment.CpuUsage\`, every thread of the process), dd's over its whole run (user + system)."
  echo "Each store process first writes a 256 MiB blob and pauses, so the measured blob runs compiled as in a running node; the first blob's rate is the *cold* column."
  echo
  echo "| round | store's log device | dd MB/s | dd CPU s | Tern MB/s | Tern CPU s | ratio | Tern cold MB/s |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Median ratio: **${median_ratio[direct]}** with direct writes (the default), ${median_ratio[pagecache]} through the page cache, ${median_ratio[writethrough]} on FASTER's device, in this run."
  echo "The store's median MB/s with direct writes is **$(ratio "${median_mbs[direct]}" "${median_mbs[writethrough]}")×** its median on FASTER's device and $(ratio "${median_mbs[direct]}" "${median_mbs[pagecache]}")× through the page cache."
  echo "Against the same work by dd (O_DIRECT + fsync, median ${same_work_median} MB/s): **$(ratio "${median_mbs[direct]}" "$same_work_median")×** with direct writes."
  echo
  echo "What bounds it, measured right after in the same script, each warmed up the same way: a bare FasterLog (4 MiB pages, 32 MiB buffer,"
  echo "64 MiB segments, 256 KiB entries, no hashing, one commit at the end) wrote **$raw_direct MB/s** ($raw_direct_cpu s CPU) direct, **$raw_pc MB/s** ($raw_pc_cpu s CPU) through the page cache and **$raw_unbuf MB/s** ($raw_unbuf_cpu s CPU) on FASTER's device;"
  echo "\`dd bs=4M count=256 oflag=direct\` (the disk without the page cache) wrote **$dd_direct MB/s**;"
  echo "the payload hash (docs/PROTOCOL.md §4.8: BLAKE3 leaves over 256 KiB chunks, one core) ran at **$tree_mbs MB/s**, and"
  echo "BLAKE2b-256, the payload hash before the tree, at **$hash_mbs MB/s**. The store hashes each 256 KiB chunk on a second thread"
  echo "while copying it into the log, so a write runs at the slower of the two, on two cores shared with the page writes (and other tenants)."
  echo
  echo "The kernel's copy into the page cache, alone (\`Tern.Load page-cache-copy\`: 1 GiB written by one thread with pwrite from a ring of"
  echo "pinned buffers, each filled from a 256 KiB chunk first, as FasterLog fills its pages; then one fdatasync): what a page-cache"
  echo "blob log pays and a direct one does not. Such a log copies from 8 pages of 4 MiB; dd copies from one 1 MiB buffer."
  echo
  echo "| ring copied from | CPU s for 1 GiB | seconds with the fdatasync |"
  echo "|---|---|---|"
  printf '%s' "$copy_rows"
  echo
  echo "The sync Tern's device makes at commit (\`Tern.Load sync-calls\`: a 1 KiB append rewriting the last 512-byte sector, then"
  echo "the sync, the two calls taking turns, 1500 of each, each call timed alone): fdatasync $fdatasync_rate/s, fsync (\`RandomAccess.FlushToDisk\`) $fsync_rate/s."
  if [ -f perf-reports/transit-notes.md ]; then echo; cat perf-reports/transit-notes.md; fi
} > "$report"
echo "wrote $report"
summary_row "durable 1 KiB submissions/s, group commit, $concurrency submitters (Tern ÷ dd)" "$submits/s" "\`dd bs=1k oflag=dsync\` $dsync_rate/s" "$(ratio "$submits" "$dsync_rate" 1)" "≥ 20k/s"
summary_row "one 1 GiB blob written durably (Tern ÷ dd)" "${median_mbs[direct]} MB/s" "\`dd conv=fdatasync\` before each run" "${median_ratio[direct]}" "≥ 0.8"
summary_write
