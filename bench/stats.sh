# The statistics every bench script reports with, in one place so that two reports' medians mean the same thing.
# Sourced, not run: `. "$(dirname "$0")/stats.sh"`. bench/stats-test.sh checks it (part of `make test`).

# median <numbers...>: the middle of the values in numeric order, printed exactly as it was given (an odd count, as
# every script runs); for an even count, the mean of the two middle values, with one decimal more than they have when
# it needs one (0.43 and 0.46 give 0.445; 10 and 13 give 11.5). Fails on no values.
median() {
  [ $# -gt 0 ] || { echo "median: no values" >&2; return 1; }
  printf '%s\n' "$@" | sort -g | awk '
    function decimals(s,  i) { i = index(s, "."); return i ? length(s) - i : 0 }
    { v[NR] = $1 }
    END {
      if (NR % 2) { print v[(NR + 1) / 2]; exit }
      a = v[NR / 2]; b = v[NR / 2 + 1]; m = (a + b) / 2
      d = decimals(a) > decimals(b) ? decimals(a) : decimals(b)
      e = sprintf("%." d "f", m) - m; if (e < 0) e = -e
      if (e > 1e-9 * (m < 0 ? -m : m)) d++
      printf "%." d "f\n", m
    }'
}

# ratio <a> <b> [decimals]: a / b with two decimals (or as many as asked); "n/a" when b is zero.
ratio() {
  awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%." d "f\n", a / b }'
}
