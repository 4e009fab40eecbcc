#!/usr/bin/env bash
# Runs the test suite and the demo where Debian's libsodium cannot be loaded, as on a machine without the package
# libsodium23: in a private mount namespace (root; nothing outside it changes) each libsodium.so.23* of the system is
# replaced by an empty file, so a dlopen of it fails. While they run, the libsodium files every process of this checkout
# maps are sampled from /proc/<pid>/maps; the summary lists them (NSec's runtimes/linux-x64/native/libsodium.so only).
#   tests/without-system-libsodium.sh [--no-demo]      (after `make build`; writes its log to the path it prints)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "needs root (unshare -m, mount --bind)" >&2; exit 2; }
checkout=$PWD
log=$(mktemp /tmp/tern-without-libsodium-XXXXXX.log)
demo=1; [ "${1:-}" = --no-demo ] && demo=0
export checkout log demo
unshare -m bash -c '
  set -euo pipefail
  hidden=0
  for f in /usr/lib/x86_64-linux-gnu/libsodium.so.23*; do  # /lib is /usr/lib on Debian 12
    [ -e "$f" ] && [ ! -L "$f" ] && mount --bind /dev/null "$f" && hidden=$((hidden + 1))
  done
  echo "Debian libsodium files hidden: $hidden" | tee -a "$log"
  sample() {
    while :; do
      for p in /proc/[0-9]*; do
        grep -q "$checkout" "$p/cmdline" 2>/dev/null || continue
        grep -o "/[^ ]*libsodium[^ ]*" "$p/maps" 2>/dev/null | sed "s|^|mapped: |" || true
      done
      sleep 0.5
    done
  }
  sample >> "$log.maps" & sampler=$!
  trap "kill $sampler 2>/dev/null || true" EXIT
  cd "$checkout"
  status=0
  dotnet test Engine.sln -c Release --no-build 2>&1 | tee -a "$log" | grep -E "^(Passed|Failed)!|error" || status=1
  grep -q "^Failed!" "$log" && status=1
  if [ "$demo" = 1 ]; then
    dotnet run --project hosts/Tern.Cli -c Release --no-build -- demo >> "$log" 2>&1 && echo "demo: passed" | tee -a "$log" || { echo "demo: FAILED" | tee -a "$log"; status=1; }
  fi
  kill $sampler 2>/dev/null || true
  echo "libsodium files mapped by processes of $checkout:" | tee -a "$log"
  sort "$log.maps" | uniq -c | tee -a "$log"
  exit $status
'
