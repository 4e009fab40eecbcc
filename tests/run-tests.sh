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
# optimized: in a node started for a test of half a minute that recompiling was a quarter of its CPU (perf). The E2e
# project, one run each: 358 CPU-s in 188 s by default (368 in 190 with the nodes' code precompiled, ReadyToRun), 279
# in 143 with this. Loops still get optimized
# code on the way (on-stack replacement), and a long test process gets its hot methods recompiled once it settles.
export DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-2000}
log=$(mktemp -t tern-test.XXXXXX.log)

# Two steps. First the two projects that keep both cores busy (E2e's node processes, Engine's stores), side by side;
# then every other test project three at a time in Engine.sln's order (Node, Bulk, Fetch...): those mostly wait on child
# processes, paced links and timeouts, so two at a time left the cores idle half the time, while three at a time from
# the start put Bulk's paced relay beside E2e and Engine, where its Mars test missed its windows. One run each: 444 s
# two at a time before the CPU cuts above, 390 s after them, 338 s in these two steps.
first="E2e Engine"
filters=$(mktemp -d -t tern-test-filters.XXXXXX)
trap 'rm -f "$log"; rm -rf "$filters"' EXIT
# A solution filter of Engine.sln (absolute, as the filter lives elsewhere) naming the given test projects.
solution_filter() { # <file> <project path>...
  local file=$1; shift
  local list; list=$(printf '"%s",' "$@"); list=${list%,}
  printf '{ "solution": { "path": "%s", "projects": [ %s ] } }\n' "$PWD/Engine.sln" "${list//\\/\\\\}" > "$file"
}
all=$(grep -o '"tests\\\\Tern\.[A-Za-z0-9]*\.Tests\\\\[^"]*"' Tests.slnf | tr -d '"' | sed 's/\\\\/\\/g')
busy=(); rest=()
for project in $all; do
  name=$(basename "${project//\\//}" .csproj); name=${name#Tern.}; name=${name%.Tests}
  if [[ " $first " == *" $name "* ]]; then busy+=("$project"); else rest+=("$project"); fi
done
[ "${#busy[@]}" -eq 2 ] && [ "${#rest[@]}" -gt 0 ] || { echo "run-tests.sh: cannot split Tests.slnf's test projects (${#busy[@]} busy, ${#rest[@]} rest)"; exit 2; }
solution_filter "$filters/busy.slnf" "${busy[@]}"
solution_filter "$filters/rest.slnf" "${rest[@]}"
"$DOTNET" test "$filters/busy.slnf" -c "$CONFIG" --no-build -m:2 --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
"$DOTNET" test "$filters/rest.slnf" -c "$CONFIG" --no-build -m:3 --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log"
rest_rc=${PIPESTATUS[0]}
[ "$rc" -ne 0 ] || rc=$rest_rc
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
