#!/usr/bin/env bash
# Codec micro-benchmarks (BenchmarkDotNet): notification seal/open/parse and fetch-frame parse, each beside
# its raw baseline in the same run, and the bare AEAD, managed beside libsodium. Writes perf-reports/codec.md and fails if a hot path allocates.
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-*Notification*|*Frame*|*AeadBenchmarks*}"
artifacts=$(mktemp -d /tmp/tern-bench-XXXXXX)
trap 'rm -rf "$artifacts"' EXIT
report=perf-reports/codec.md
command="bench/run-codec.sh${1:+ \"$1\"}"

IFS='|' read -ra filters <<< "$filter"
dotnet run -c Release --project bench/Tern.Bench --no-build -- --filter "${filters[@]}" --artifacts "$artifacts" --exporters GitHub CSV

{
  echo "# Codec micro-benchmarks"
  echo
  echo "- command: \`$command\` (from \`make bench\`)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version), libsodium $(dpkg-query -W -f='${Version}' libsodium23 2>/dev/null || echo '?')"
  echo "- baseline: the bare AEAD (XChaCha20Poly1305: managed up to 512 bytes, \`ManagedMaxLength\`, libsodium above) over the same bytes, in the same run (Ratio column); in the AEAD table, libsodium's seal; allocation budget 0 B on every row"
  echo
  for f in "$artifacts"/results/*-report-github.md; do
    sed -n '/^|/,$p' "$f"
    echo
  done
} > "$report"

# Allocation budget: every benchmark on these paths must report no allocation ('-' or '0 B').
bad=$(for f in "$artifacts"/results/*-report.csv; do
  python3 - "$f" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    a = r.get('Allocated', '-').strip()
    if a not in ('-', '0 B', '0'):
        print(f"{r['Method']} [{r.get('Records', r.get('Frames',''))}] allocates {a}")
PY
done)
echo "wrote $report"
# BenchmarkDotNet skips a class it cannot run (a sealed one, for instance) without failing: every filter must have a table.
for f in "${filters[@]}"; do
  compgen -G "$artifacts/results/$f-report-github.md" > /dev/null || { echo "no results for the filter $f: did BenchmarkDotNet skip the class?"; exit 1; }
done
if [ -n "$bad" ]; then
  echo "allocation budget exceeded:"; echo "$bad"; exit 1
fi
