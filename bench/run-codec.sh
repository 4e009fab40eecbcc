#!/usr/bin/env bash
# Codec micro-benchmarks (BenchmarkDotNet): notification seal/open/parse and fetch-frame parse, each beside
# its raw baseline in the same run; the bare AEAD and the notification-key derivation on Debian's libsodium (bench-deps),
# NSec's and Tern's managed code side by side; then what a key per peer costs held as NSec keys or as raw bytes
# (Tern.Bench keycost). Writes perf-reports/codec.md and fails if a hot path allocates.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin codec
filter="${1:-*Notification*|*Frame*|*AeadBenchmarks*|*KeyDerivationBenchmarks*}"
keys="${KEYCOST_KEYS:-100000}"
artifacts=$(mktemp -d /tmp/tern-bench-XXXXXX)
trap 'rm -rf "$artifacts"' EXIT
report=perf-reports/codec.md
command="${BENCH_FULL:+BENCH_FULL=$BENCH_FULL }bench/run-codec.sh${1:+ \"$1\"}"
# BenchmarkDotNet's job (bench/Tern.Bench/BenchConfig.cs says why these counts and where each case runs).
if [ "${BENCH_FULL:-}" = 1 ]; then job="each case in its own process, the overhead subtracted, 3 warm-ups, 12 iterations of 250 ms"; else job="every case in one process (in-process toolchain), no overhead stage, 2 warm-ups, 6 iterations of 250 ms (BENCH_FULL=1: a process a case, the overhead subtracted, 3 and 12)"; fi

IFS='|' read -ra filters <<< "$filter"
dotnet run -c Release --project bench/Tern.Bench --no-build -- --filter "${filters[@]}" --artifacts "$artifacts" --exporters GitHub CSV
keycost=$(dotnet bench/Tern.Bench/bin/Release/net10.0/Tern.Bench.dll keycost "$keys")
nsec_sodium=$(dotnet hosts/Tern.Cli/bin/Release/net10.0/tern.dll version 2>/dev/null | grep -o 'NSec.Cryptography.*' || echo '?')

{
  echo "# Codec micro-benchmarks"
  echo
  echo "- command: \`$command\` (from \`make bench\`)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- job: $job; Mean, Error (99.9 % half-width) and StdDev over the iterations"
  echo "- libraries: Tern runs on $nsec_sodium; Debian's libsodium $(dpkg-query -W -f='${Version}' libsodium23 2>/dev/null || echo '?') (package libsodium23, installed by \`make bench-deps\` for this comparison only)"
  echo "- baseline: the bare AEAD (XChaCha20Poly1305: managed up to 512 bytes, \`ManagedMaxLength\`, NSec's libsodium above) over the same bytes, in the same run (Ratio column); in the AEAD and derivation tables, Debian's libsodium 1.0.18; allocation budget 0 B on every row but the derivation through NSec's API, shown for comparison"
  echo
  for f in "$artifacts"/results/*-report-github.md; do
    sed -n '/^|/,$p' "$f"
    echo
  done
  echo "## A key per peer: NSec keys against raw bytes"
  echo
  echo "\`dotnet bench/Tern.Bench/bin/Release/net10.0/Tern.Bench.dll keycost $keys\` (same script, after the tables):"
  echo
  echo '```'
  echo "$keycost"
  echo '```'
} > "$report"

# Allocation budget: every benchmark on these paths must report no allocation ('-' or '0 B').
bad=$(for f in "$artifacts"/results/*-report.csv; do
  python3 - "$f" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if r['Method'].startswith("'NSec API"):
        continue  # the derivation through NSec's API: a comparison, not a path Tern takes
    a = r.get('Allocated', '-').strip()
    if a not in ('-', '0 B', '0'):
        print(f"{r['Method']} [{r.get('Records', r.get('Frames',''))}] allocates {a}")
PY
done)
echo "wrote $report"
# The headline rows: a datagram opened and sealed with one record, against the bare AEAD over the same bytes (the
# benchmark's baseline, whose mean is the row's mean divided by its Ratio).
codec_row() {
  python3 - "$1" "$2" "$artifacts"/results/*-report.csv <<'PY'
import csv, re, sys
method, records = sys.argv[1], sys.argv[2]
def ns(text):
    value, unit = re.match(r'([\d.,]+)\s*(\S+)', text.strip()).groups()
    return float(value.replace(',', '')) * {'ns': 1, 'μs': 1e3, 'us': 1e3, 'ms': 1e6}[unit]
for path in sys.argv[3:]:
    for r in csv.DictReader(open(path)):
        if method in r['Method'] and r.get('Records', '') == records:
            mean, ratio = ns(r['Mean']), float(r['Ratio'])
            print(f"{mean:.0f} ns\t{mean / ratio:.0f} ns\t{1 / ratio:.2f}")
            sys.exit(0)
print("not measured\t—\t—")
PY
}
IFS=$'\t' read -r t b r <<< "$(codec_row 'open datagram + read records' 1)"
summary_row "notification datagram opened and read, 1 record (bare AEAD open ÷ Tern)" "$t" "bare XChaCha20-Poly1305 open, same bytes, $b" "$r" "—"
IFS=$'\t' read -r t b r <<< "$(codec_row 'seal datagram' 1)"
summary_row "notification datagram sealed, 1 record (bare AEAD seal ÷ Tern)" "$t" "bare XChaCha20-Poly1305 seal, same bytes, $b" "$r" "—"
summary_write
# BenchmarkDotNet skips a class it cannot run (a sealed one, for instance) without failing: every filter must have a table.
for f in "${filters[@]}"; do
  compgen -G "$artifacts/results/$f-report-github.md" > /dev/null || { echo "no results for the filter $f: did BenchmarkDotNet skip the class?"; exit 1; }
done
if [ -n "$bad" ]; then
  echo "allocation budget exceeded:"; echo "$bad"; exit 1
fi
