#!/usr/bin/env bash
# What checking fetched ranges against the payload hash costs (docs/PROTOCOL.md §4.8), in one process (Tern.Load
# fetch-verify): one blob on the framed door, fetched as a range from inside its fourth chunk to its end, alternately
# without verification (the baseline) and with it (proof frames ahead of the data, every whole chunk checked as it
# lands), into a sink that keeps nothing; then the checking alone, on one core over the same bytes in memory.
# Writes perf-reports/fetch-verify.md. Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin fetch-verify
source bench/stats.sh
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/fetch-verify.md
megabytes="${VERIFY_MIB:-1024}"
pairs="${VERIFY_PAIRS:-5}"
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-verify-XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }

field() { sed -n 's/.* '"$2"'=\([0-9.]*\).*/\1/p' <<< "$1"; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=$(dotnet "$load" fetch-verify "$work" "$megabytes" "$pairs")
echo "$out"

rows=""
ratios=()
cpu_ratios=()
extra=()
while read -r line; do
  bytes=$(field "$line" bytes)
  gib=$(python3 -c "print($bytes / 2**30)")
  ps=$(field "$line" plain_seconds); pc=$(field "$line" plain_cpu)
  vs=$(field "$line" verified_seconds); vc=$(field "$line" verified_cpu)
  row=$(python3 -c "
g=$gib
print(f'| $(field "$line" pair) | {g/$ps*1073.741824:.0f} | {$pc/g:.3f} | {g/$vs*1073.741824:.0f} | {$vc/g:.3f} | {$vs/$ps:.2f} | {$vc/$pc:.2f} | {($vc-$pc)/g:.3f} |')")
  rows+="$row"$'\n'
  ratios+=("$(ratio "$vs" "$ps")")
  cpu_ratios+=("$(ratio "$vc" "$pc")")
  extra+=("$(python3 -c "print(f'{($vc-$pc)/$gib:.3f}')")")
done < <(grep 'mode=range' <<< "$out")
check=$(grep 'mode=check' <<< "$out")

{
  echo "# Ranged-fetch verification"
  echo
  echo "- command: \`bench/run-fetch-verify.sh\` (after \`make build\`; VERIFY_MIB=$megabytes, VERIFY_PAIRS=$pairs)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version)"
  echo "- load average before the run: $load_before (other work shares this machine; figures drift between runs)"
  echo
  echo "One $megabytes MiB blob on the framed door of a server in the same process, fetched over loopback as the range"
  echo "from byte 3 × 262144 + 4321 to its end, into a sink that keeps nothing. Baseline: the same fetch without"
  echo "verification, run just before it in each pair. Verified: the fetch sets the \`proof\` flag; the proof frames come"
  echo "before the data and are checked against the payload hash; each whole 256 KiB chunk is checked against its leaf as"
  echo "it lands (the chunk the range starts inside cannot be, §4.8). CPU is the whole process's (server and client), so"
  echo "the difference between the columns is what verification adds."
  echo
  echo "| pair | plain MB/s | plain CPU s/GiB | verified MB/s | verified CPU s/GiB | time verified / plain | CPU verified / plain | added CPU s/GiB |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Medians: time **$(median "${ratios[@]}")×** the unverified fetch, CPU **$(median "${cpu_ratios[@]}")×**, **$(median "${extra[@]}") s** more CPU per GiB."
  echo
  echo "Checking alone (PayloadVerifier.Check over every chunk of the blob in memory, one core): **$(field "$check" cpu_per_gib) s of CPU per GiB**"
  echo "($(field "$check" bytes) bytes in $(field "$check" seconds) s); the whole blob's proof is $(field "$check" proof_bytes) bytes."
  if [ -f perf-reports/fetch-verify-notes.md ]; then echo; cat perf-reports/fetch-verify-notes.md; fi
} > "$report"
echo "wrote $report"
summary_row "ranged fetch of $megabytes MiB checked chunk by chunk against the payload hash (unverified time ÷ verified)" "$(median "${ratios[@]}")× the time, $(printf %+.3f "$(median "${extra[@]}")") s CPU a GiB added" "the same fetch unverified" "$(ratio 1 "$(median "${ratios[@]}")")" "—"
summary_write
