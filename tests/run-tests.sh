#!/usr/bin/env bash
# make test's test step: every test project (Tests.slnf: Engine.sln without the benchmarks' programs), then, when any
# failed, each failure again at the end of the output (name, message, the top of its stack), so a CI log cut to its tail still names what failed.
set -uo pipefail
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-Release}
DOTNET=${DOTNET:-dotnet}
# Dynamic PGO instruments the code it will recompile, which pays only in a process that runs for minutes: the test hosts
# and the nodes and CLI runs they start live seconds, and on two cores that instrumentation is CPU taken from
# the tests beside them. The code under test is the same; its optimization is not what a test asserts.
export DOTNET_TieredPGO=${DOTNET_TieredPGO:-0}
# For the same reason the runtime waits 2 s (not 0.1) without new methods to compile before it recompiles hot ones
# optimized: in a node started for a test of half a minute that recompiling was a quarter of its CPU (perf, the E2e
# project: its CPU 358 and 368 s by default, 279 s with this; wall 188 and 190 s, 143 s). Loops still get optimized
# code on the way (on-stack replacement), and a long test process gets its hot methods recompiled once it settles.
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-2000}
log=$(mktemp -t tern-test.XXXXXX.log)
trap 'rm -f "$log"' EXIT

# The test projects run two at a time (one per core) in Engine.sln's order, where they stand longest first (E2e, Engine,
# Node, Bulk...): a long one started last would run alone at the end while the other core has nothing left to do.
# Three at a time fills the cores after E2e (314 s against 390 in one run each) but puts Bulk's paced links beside E2e
# and Engine, which keep both cores busy: its Mars relay test then missed its windows (204 blobs, 5 unsettled).
"$DOTNET" test Tests.slnf -c "$CONFIG" --no-build --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  echo
  echo "==== failed tests (dotnet test exit $rc) ===="
  # A failure's block runs from its "Failed <name>" line to the next test's result line; 40 lines of each at most.
  awk '
    /^[[:space:]]+Failed [A-Za-z]/ { inblock = 1; n = 0 }
    inblock && /^[[:space:]]+(Passed|Skipped) [A-Za-z]/ { inblock = 0 }
    inblock && n < 40 { print; n++ }
  ' "$log"
  grep -E "^(Test Run Aborted|The active test run was aborted)|Test host process crashed|error [A-Z]+[0-9]+:" "$log" | head -20
  grep -cE "^[[:space:]]+Failed [A-Za-z]" "$log" | sed 's/^/failed test lines: /'
fi
exit "$rc"
