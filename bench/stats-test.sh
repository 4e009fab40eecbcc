#!/usr/bin/env bash
# Checks bench/stats.sh, the median and ratio every bench report is computed with. Run by `make test`.
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
[ "$failed" = 0 ] && echo "bench/stats.sh: all checks passed"
exit "$failed"
