#!/usr/bin/env bash
# Checks bench/stats.sh, the median and ratio every bench report is computed with, and the one table's rows
# (bench/summary.sh, bench/table.sh). Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/stats.sh
failed=0
expect() { # expect <wanted> <command...>
  local want=$1 got; shift
  got=$("$@" 2>/dev/null) || got="(failed)"
  if [ "$got" != "$want" ]; then echo "FAIL: $* gave '$got', expected '$want'"; failed=1; fi
}
# Odd counts: the middle value in numeric (not text) order, exactly as written.
expect 2 median 3 1 2
expect 1.10 median 1.20 1.10 1.05
expect 10 median 100 9 10
expect 0.42 median 0.42
expect 20 median 1e3 5 20
expect 722579 median 722579 731083 661606 718005 736197
# Even counts: the mean of the two middle values, one more decimal only when it needs one.
expect 3 median 4 2
expect 11.5 median 10 13
expect 0.44 median 0.45 0.43
expect 0.58 median 0.40 0.78 0.53 0.63
expect 0.445 median 0.46 0.43
expect 1.405 median 1.52 1.41 1.40 0.99
expect '(failed)' median
# Ratios: two decimals by default, rounded to nearest; n/a rather than a division by zero.
expect 0.33 ratio 1 3
expect 0.67 ratio 2 3
expect 3.43 ratio 835510 243445
expect 39.0 ratio 31400 805 1
expect n/a ratio 5 0
# The one table: a benchmark's rows (bench/summary.sh) come out of bench/table.sh as table rows, in order, with the
# run's date, commit, machine and load beside them; a benchmark without rows says it has not run.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bench" "$scratch/perf-reports"
cp bench/summary.sh bench/table.sh bench/durations.sh "$scratch/bench/"
printf '# name\tseconds\twhy\ncodec\t100\tfewer iterations\nfetch\t200\tshorter runs\npending\t300\tone table\n' > "$scratch/bench/budgets.tsv"
(
  printf '%s\n' '# Project' '## Performance' 'before' '<!-- the one table: bench/table.sh writes between these markers -->' \
    '| stale | row |' '<!-- end of the one table -->' 'after' > "$scratch/README.md"
  cd "$scratch" && git init -q && git -c user.email=t@t -c user.name=t commit -q --allow-empty -m t
  source bench/summary.sh
  summary_begin fetch
  summary_row "1 KiB fetches/s (Tern ÷ nginx)" "100/s" "nginx 80/s" "1.25" "≥ 1.0"
  summary_row "second row" "1" "2" "0.50" "—"
  summary_write
  ! summary_row "too few fields" 2> /dev/null
  # How long each script took: make bench's start, a script that passed (run twice: one line), one that failed.
  bench/durations.sh begin
  bench/durations.sh run codec true > /dev/null
  bench/durations.sh run codec sleep 1 > /dev/null
  ! bench/durations.sh run fetch false > /dev/null
  bench/table.sh > /dev/null
) || { echo "FAIL: summary rows or table.sh"; failed=1; }
table="$scratch/perf-reports/README.md"
expect 1 grep -c '^| 1 KiB fetches/s (Tern ÷ nginx) (`fetch.md`) | 100/s | nginx 80/s | 1.25 | ≥ 1.0 | 20[0-9-]*T[0-9:]*Z | [0-9a-f]* | ' "$table"
expect 1 grep -c '^| `codec.md`: not run since the table existed' "$table"
expect 2 awk -F'\t' 'NF == 9 { n++ } END { print n + 0 }' "$scratch/perf-reports/summary/fetch.tsv"
[ "$(grep -n 'second row' "$table" | cut -d: -f1)" -gt "$(grep -n '1 KiB fetches' "$table" | cut -d: -f1)" ] || { echo "FAIL: rows out of order"; failed=1; }
# Under the table, each script's wall time beside its budget, in the budgets' order, and the totals.
durations="$scratch/perf-reports/summary/durations.tsv"
expect 1 grep -c '^codec	' "$durations"
expect 1 awk -F'\t' '$1 == "codec" && $2 >= 1 && $5 == 0 { n++ } END { print n + 0 }' "$durations"
expect 1 awk -F'\t' '$1 == "fetch" && $5 == 1 { n++ } END { print n + 0 }' "$durations"
expect 1 grep -c '^| codec | 0 min 0[1-9] s | 1 min 40 s | 20[0-9-]*T[0-9:]*Z |$' "$table"
expect 1 grep -c '^| fetch | 0 min 0[0-9] s (failed, exit status 1) | 3 min 20 s | ' "$table"
expect 1 grep -c '^| pending | not run since the list began | 5 min 00 s | — |$' "$table"
expect 1 grep -c '^| \*\*every script\*\* | \*\*0 min 0[1-9] s\*\* | 10 min 00 s | |$' "$table"
expect 1 grep -c '^| \*\*the whole `make bench`\*\*' "$table"
expect 0 awk '/durations.md/ { n++ } END { print n + 0 }' "$table"
[ "$(grep -n '^| fetch |' "$table" | cut -d: -f1)" -gt "$(grep -n '^| codec |' "$table" | cut -d: -f1)" ] || { echo "FAIL: durations out of order"; failed=1; }
# The top-level README quotes the same table between its markers, and keeps what surrounds them.
expect 1 grep -c '^| 1 KiB fetches/s (Tern ÷ nginx) (`fetch.md`) | 100/s' "$scratch/README.md"
expect 0 awk '/stale/ { n++ } END { print n + 0 }' "$scratch/README.md"
expect 1 grep -c '^before$' "$scratch/README.md"
expect 1 grep -c '^after$' "$scratch/README.md"
[ "$failed" = 0 ] && echo "bench/stats.sh: all checks passed"
exit "$failed"
