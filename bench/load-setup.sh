# Sourced by the scripts that run bench/Tern.Load against `tern run` processes (run-load.sh, run-killload.sh, e2e-gap.sh):
# `load_setup <name>` checks the build, makes the work directory ($work), stops the nodes the load tool started should it
# die first (found by their state/ports.json) and removes the directory on exit, and exports the commit the reports name.
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
tern=hosts/Tern.Cli/bin/Release/net10.0/tern.dll

load_cleanup() {
  for ports in "$work"/nodes/*/state/ports.json; do
    [ -f "$ports" ] && kill "$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$ports")" 2> /dev/null || true
  done
  rm -rf "$work"
}

load_setup() { # <name>
  [ -f "$load" ] && [ -f "$tern" ] || { echo "build first: $load or $tern missing (make build)"; exit 1; }
  work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-$1-XXXXXX")
  trap load_cleanup EXIT
  export TERN_LOAD_COMMIT
  TERN_LOAD_COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo " (with uncommitted changes)")
}
