#!/usr/bin/env bash
# A/B of pending-table polls between the engine at <base-rev> and this checkout, over one table filled once and
# reopened from its checkpoint by each run (`Tern.PendingBench polls`, reads only). The base is built in a temporary
# worktree with this checkout's bench sources, so both run the same measurement. Each round polls with the page
# cache kept and then emptied (root: /proc/sys/vm/drop_caches), base and head alternately. Writes
# perf-reports/ab-poll.md (ab-poll-threads<n>.md with MIN_THREADS).
#   bench/ab-poll.sh <base-rev> [rounds] [refs] [refs-per-hash]      (MIN_THREADS=n sets the thread pool's minimum)
# TABLE=<dir> polls a table filled before (`Tern.PendingBench table --dir <dir> --refs <n> --refs-per-hash <k> --polls 0
# --checkpoint`, kept afterwards) instead of filling one: a 100M table takes half an hour on a loaded machine. Give
# [refs] as the count it holds and TARGET_REFS=<n> when its time bound stopped the fill short of its --refs.
# CACHES="kept dropped" by default; "evicted" drops only the table's files from the page cache before each run (no
# root, other processes' cache untouched): every run starts with its references on disk, as at 100M.
# <base-rev> may also be a directory holding a Tern.PendingBench.dll built with this checkout's bench sources.
# REPORT=<file> writes the report there instead.
# Both builds must read the same reference format: a base before format 2 (docs/ARCHITECTURE.md §3.5) cannot read a
# table the head has opened (the head rewrites a format-1 table at open), so such a pair needs a table for each build.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/ab-lib.sh
base=${1:?usage: bench/ab-poll.sh <base-rev> [rounds] [refs] [refs-per-hash]}
rounds=${2:-3}
refs=${3:-20000000}
per_hash=${4:-50}
polls=${POLLS:-2000}
report=${REPORT:-perf-reports/ab-poll${MIN_THREADS:+-threads$MIN_THREADS}.md}
caches=${CACHES:-kept dropped}
[[ " $caches " != *" dropped "* ]] || [ -w /proc/sys/vm/drop_caches ] || { echo "bench/ab-poll.sh empties the page cache: run it as root (or CACHES=\"kept evicted\")" >&2; exit 1; }
if [ -n "${TABLE:-}" ]; then
  table=$TABLE
  trap ab_cleanup EXIT
else
  table=$(mktemp -d /var/tmp/tern-ab-poll-XXXXXX)
  trap 'rm -rf "$table"; ab_cleanup' EXIT
fi
dotnet build bench/Tern.PendingBench -c Release -v quiet -nologo >&2
head_dll=$PWD/bench/Tern.PendingBench/bin/Release/net10.0/Tern.PendingBench.dll
if [ -f "$base/Tern.PendingBench.dll" ]; then
  base_dll=$base/Tern.PendingBench.dll
else
  tree=$(mktemp -d /tmp/tern-ab-tree-XXXXXX); rmdir "$tree"
  git worktree add -q --detach "$tree" "$base" >&2
  ab_trees+=("$tree")
  cp bench/Tern.PendingBench/*.cs "$tree/bench/Tern.PendingBench/"
  dotnet build "$tree/bench/Tern.PendingBench" -c Release -v quiet -nologo >&2 || { echo "build of $base failed" >&2; exit 1; }
  base_dll=$tree/bench/Tern.PendingBench/bin/Release/net10.0/Tern.PendingBench.dll
fi

if [ -n "${TABLE:-}" ]; then
  fill="reused $table, $refs references${TARGET_REFS:+ of a fill for $TARGET_REFS}"
else
  echo "filling $refs references, $per_hash a hash, in $table" >&2
  fill=$(dotnet "$head_dll" table --dir "$table" --refs "$refs" --refs-per-hash "$per_hash" --polls 0 --checkpoint | grep '^result mode=insert')
fi
[ -n "${MIN_THREADS:-}" ] && export DOTNET_ThreadPool_ForceMinWorkerThreads=$MIN_THREADS
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }
rows=(); declare -A p50 p99
for round in $(seq "$rounds"); do
  for cache in $caches; do
    flag=""; [ $cache = dropped ] && flag=--drop-caches; [ $cache = evicted ] && flag=--evict
    for side in base head; do
      dll=$base_dll; [ $side = head ] && dll=$head_dll
      line=$(dotnet "$dll" polls --dir "$table" --refs "$refs" --refs-per-hash "$per_hash" --polls "$polls" $flag ${TARGET_REFS:+--target-refs $TARGET_REFS} | grep '^result mode=poll')
      rows+=("| $round | $cache | $side | $line |")
      p50[$side-$cache]+="$(field "$line" p50_us) "; p99[$side-$cache]+="$(field "$line" p99_us) "
      echo "$round $cache $side: $line" >&2
    done
  done
done
{
  echo "# A/B: pending-table polls"
  echo
  echo "- command: \`${TABLE:+TABLE=$TABLE }${TARGET_REFS:+TARGET_REFS=$TARGET_REFS }${CACHES:+CACHES=\"$CACHES\" }${MIN_THREADS:+MIN_THREADS=$MIN_THREADS }bench/ab-poll.sh $base $rounds $refs $per_hash\`"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); base $(ab_describe "$base"), head $(ab_describe .)"
  echo "- machine: $(nproc) cores, $(uname -r), .NET $(dotnet --version); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- table: default options, filled once by the head's bench ($fill), reopened from its checkpoint by every run; $polls warm-up polls, then $polls measured polls of the hash of a random reference (cursor 0, limit 100); thread pool minimum: ${MIN_THREADS:-as the runtime sets it}"
  echo "- page cache \"dropped\": emptied between the warm-up and the measured polls; \"evicted\": the table's files dropped from it before the run; either way references outside the table's log memory are disk reads"
  echo
  echo "| page cache | base p50 / p99 µs (medians) | head p50 / p99 µs (medians) | head / base, p50 / p99 |"
  echo "|---|---|---|---|"
  for cache in $caches; do
    b50=$(median ${p50[base-$cache]}); b99=$(median ${p99[base-$cache]})
    h50=$(median ${p50[head-$cache]}); h99=$(median ${p99[head-$cache]})
    echo "| $cache | $b50 / $b99 | $h50 / $h99 | $(ratio "$h50" "$b50") / $(ratio "$h99" "$b99") |"
  done
  echo
  echo "## Every run"
  echo
  echo "| round | page cache | build | result |"
  echo "|---:|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$report"
cat "$report"
