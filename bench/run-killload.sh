#!/usr/bin/env bash
# Kill under load (issue 18, deliverable 3): bench/run-killload.sh [key=value ...]
# bench/Tern.Load `killload` writes two data directories (a.example, b.example: loopback listeners on ports fixed before
# the first start, static peers files naming each other), starts `tern run` on each, runs mixed open-model load (alice's
# submits at a.example to bob and carol at b.example; b.example pulls bob's at once and carol's when she asks; carol polls
# her references, bob reads his stored messages back) and SIGKILLs one node in each period at a seeded moment, restarting
# it on its data directory. Checks after each restart and at the end: no acknowledged submission lost, no reference
# carol was shown lost, stored messages intact, every acknowledged message stored at b.example once the load stops.
# Writes perf-reports/killload.md (kill points, what was in flight, recovery time against the store's size) and
# perf-reports/killload.timeline.csv; exits 1 when a guarantee broke (the report lists each violation).
# Defaults (24 kills of 15 s periods, about 7 minutes on a 2-core machine); settings (key=value, listed in the report):
#   kills=24 period=15 max-down=1 tail=5 submit-rate=20 client-rate=5 size=2048 large-every=25 large-size=600000
#   pull-fraction=0.5 retransmit-max=5 checkpoint=20 refile-bound=30 drain-bound=90 seed=18
# Expects a Release build (make build).
set -euo pipefail
cd "$(dirname "$0")/.."
report=perf-reports/killload.md
source bench/load-setup.sh
load_setup killload
export TERN_LOAD_COMMAND="bench/run-killload.sh${*:+ $*}, i.e. nice -n 10 dotnet $load killload <dir> $report $tern${*:+ $*}"
echo "work: $work; commit $TERN_LOAD_COMMIT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
nice -n 10 dotnet "$load" killload "$work" "$report" "$tern" "$@" || status=$?
echo "wrote $report"
exit $status
