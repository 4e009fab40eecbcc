#!/usr/bin/env bash
# Profiles b.example (the recipients' node) over a campaign nobody pulls: the economics bench's Tern side alone
# (bench/Tern.Economics run --only tern, pull rate 0), perf record -F 2999 -g attached to b's `tern run` process for the
# campaign's window, the nodes with the runtime's perf map so JIT code has names. Writes perf-reports/profile-economics.md.
#   bench/profile-economics.sh [recipients]      (needs perf: make bench-deps; after `make build`)
# PROFILE_KEEP=<file>: keep perf.data there for a closer look (perf report -i <file>).
set -euo pipefail
cd "$(dirname "$0")/.."
recipients=${1:-100000}
tern=hosts/Tern.Cli/bin/Release/net10.0/tern.dll
economics=bench/Tern.Economics/bin/Release/net10.0/Tern.Economics.dll
[ -f "$tern" ] && [ -f "$economics" ] || { echo "build first: $tern or $economics missing (make build)"; exit 1; }
work=$(mktemp -d /tmp/tern-profile-economics-XXXXXX)
trap 'rm -rf "$work"' EXIT
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
dotnet "$economics" run --only tern --out "$work" --tern "$tern" --recipients "$recipients" --small-recipients 0 --pull 0 \
  --warmup "${WARMUP:-10}" --idle "${IDLE:-5}" --perf-recipient "$work/perf.data" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
[ -n "${PROFILE_KEEP:-}" ] && cp "$work/perf.data" "$PROFILE_KEEP"
{
  echo "# Profile of b.example over a campaign nobody pulls"
  echo
  echo "- command: \`bench/profile-economics.sh $recipients\` (perf record -F 2999 -g on b.example's \`tern run\` process for the 0 % campaign's window)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)'); load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- the run: $(grep -E '^tern:   filed' "$work/log" | head -1)"
  echo
  echo "## Samples by thread"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort comm --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -15
  echo '```'
  echo
  echo "## Samples by binary"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -10
  echo '```'
  echo
  echo "## Top symbols (self)"
  echo
  echo '```'
  perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -"${TOP:-50}" | cut -c1-200
  echo '```'
  echo
  echo "## Top symbols (with children)"
  echo
  echo '```'
  perf report -i "$work/perf.data" --children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -"${TOP:-60}" | cut -c1-200
  echo '```'
} > perf-reports/profile-economics.md
cat perf-reports/profile-economics.md
