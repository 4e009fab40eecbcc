#!/usr/bin/env bash
# Overload behaviour (issue 16, deliverable 5) through a `tern run` process, loopback only, bounded in count and time.
# Each round, one node (b.example) as a child of bench/Tern.Load (`flood`): its ingest capacity measured first (the node
# stopped while a burst of sealed notifications fills its socket, then the rate it empties it at), then a flood of forged
# datagrams and junk at <multiple> × that capacity for at most <seconds> (bench/Tern.Load/Flood/FloodMix.cs), with a
# legitimate peer sending sealed notifications at <legitimate/s> and three probes every 20 ms (admin stats, a 64 KiB blob
# on the HTTP fetch door, the client API's capabilities), beside the same probes and peer in an idle phase of the same
# run. The node on core 0, the load tool on core 1. Rounds alternate the receive thread's nice increment between 0 (the
# default) and <nice>. Writes perf-reports/flood.md (the reading of the figures is kept in perf-reports/flood-notes.md).
#   bench/run-flood.sh [rounds] [seconds] [multiple] [legitimate/s] [capacity count] [nice]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin flood
# One round by default (BENCH_FULL=1: two): a round is a run at each nice increment, each about 100 s on this machine
# when most of it was the warm-up that waited for the node's runtime to stop tiering (now compiled optimized, below). The two nice-0 rounds of the quiet report of
# 2026-12-06 15:38Z agree on every target: 100 % of the legitimate notifications filed in both, admin p99 under the
# flood 5.34 and 4.40 ms against the 100 ms target, every datagram accounted for.
rounds=${1:-$([ "${BENCH_FULL:-}" = 1 ] && echo 2 || echo 1)}
seconds=${2:-10}
multiple=${3:-2}
legit=${4:-2000}
capacity=${5:-300000}
nice=${6:-5}
idle=5
buffer=$((256 << 20))
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
tern=hosts/Tern.Cli/bin/Release/net10.0/tern.dll
[ -f "$load" ] && [ -f "$tern" ] || { echo "build first: $load or $tern missing (make build)" >&2; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-flood-XXXXXX")
# The node asks for a 256 MiB socket buffer (the capacity burst must fit): raise net.core.rmem_max (root only) and put it
# back on exit. The load tool stops its node itself; should it die first, the node is found by its ports.json.
rmem_before=$(sysctl -n net.core.rmem_max 2>/dev/null || echo "")
cleanup() {
  for ports in "$work"/*/*/state/ports.json; do
    [ -f "$ports" ] && kill -CONT "$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$ports")" 2> /dev/null && kill "$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$ports")" 2> /dev/null || true
  done
  [ -z "$rmem_before" ] || sysctl -qw net.core.rmem_max="$rmem_before" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -z "$rmem_before" ] || sysctl -qw net.core.rmem_max=$buffer 2>/dev/null || true
# Every process compiles fully optimized code from its start (as bench/run-c2s.sh runs them): the node has no tier-up to
# wait for, so the warm-up is its two 3 s rounds instead of up to a minute a run waiting for the tiering thread to end.
# The price, the same for the idle and the flood phases: no dynamic PGO.
export DOTNET_TieredCompilation=0
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
results=()
for round in $(seq "$rounds"); do
  for n in 0 "$nice"; do
    dir="$work/r$round-n$n"; mkdir -p "$dir"
    line=$(dotnet "$load" flood "$dir" "$tern" "$capacity" "$seconds" "$multiple" "$legit" "$idle" "$buffer" "$n" | grep '^RESULT') \
      || { echo "round $round (nice $n) failed; the node's log:" >&2; cat "$dir"/b.example/node.log >&2 || true; exit 1; }
    results+=("round=$round nice=$n load1=$(cut -d' ' -f1 /proc/loadavg) ${line#RESULT }")
    echo "round $round nice $n: ${line#RESULT }" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

printf '%s\n' "${results[@]}" > "$work/results"
python3 - "$work/results" > perf-reports/flood.md <<PY
import sys, statistics
rows = [dict(kv.split('=', 1) for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
f = lambda r, k: float(r[k])
print("# Overload: a notification flood through a \`tern run\` process")
print()
print("- command: \`bench/run-flood.sh $rounds $seconds $multiple $legit $capacity $nice\` (after \`make build\`)")
print("- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' with uncommitted changes')")
print("- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version); load average before: $load_before, after: $load_after (a shared machine: other engineers' builds and tests ran alongside; each row gives the 1-min load when it ended)")
print("- each run: one node (b.example, \`tern run\`, the bench's data directory: loopback listeners, a pending table sized to hold what the run files (\`PendingTableOptions.ForReferences\`), \`Tern:Udp:ReceiveBufferBytes\` $buffer with net.core.rmem_max raised to it) pinned to core 0, the load tool (\`Tern.Load flood\`) on core 1;")
print("  capacity: the node stopped (SIGSTOP) while $capacity sealed one-record notifications of one verified peer key (from 250 sources, each within its burst) fill its socket, continued, timed until the socket is empty;")
print("  flood: forged one-record notifications under fresh random keys from 10 000 IPv4 sources (50 %) and 8 hot sources (30 %), replays of 64 genuine datagrams the node filed before from the 10 000 sources (10 %), junk (10 %: 3-byte, wrong version, wrong type), asked at $multiple × the capacity for at most $seconds s (one sendmmsg thread on core 1, 10 steps nicer than the probes: what it reached is in the table);")
print("  a legitimate peer (its own key, heard once before) sends $legit sealed notifications/s once each, in the idle phase ($idle s) and during the flood; three probes each every 20 ms, latency from when the request was due: admin \`GET /admin/v1/stats\`, the HTTP fetch door \`GET /v1/blobs/{capability}\` of a 64 KiB blob read whole, client API \`GET /v1/capabilities\`")
print("- every process with \`DOTNET_TieredCompilation=0\` (fully optimized from its start: no tier-up during a phase, no dynamic PGO)")
print("- rounds alternate the receive thread's nice increment (\`Tern:Udp:ReceiveThreadNiceIncrement\`): 0, the default, and $nice")
print()
print("## Targets")
print()
print("| nice | legitimate filed during the flood | admin p99 idle → flood (ms) | fetch p99 idle → flood (ms) | client API p99 idle → flood (ms) | RSS idle → flood (MiB) | datagrams accounted for |")
print("|---:|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['nice']} | {int(f(r,'legit_filed'))} / {int(f(r,'legit_sent'))} ({100*f(r,'legit_filed')/max(1,f(r,'legit_sent')):.2f} %) | {r['admin_idle_p99_ms']} → **{r['admin_flood_p99_ms']}** | {r['fetch_idle_p99_ms']} → **{r['fetch_flood_p99_ms']}** | {r['capabilities_idle_p99_ms']} → {r['capabilities_flood_p99_ms']} | {r['rss_idle_mb']} → {r['rss_flood_mb']} | {int(f(r,'accounted'))} / {int(f(r,'sent_total'))} ({100*f(r,'accounted')/max(1,f(r,'sent_total')):.3f} %) |")
print()
print("Targets (issue 16): ≥ 99 % of the legitimate peer's notifications filed, admin p99 < 100 ms under the flood, memory bounded, 100 % of datagrams accounted for.")
print()
print("## Capacity and flood")
print()
print("| round | nice | capacity (datagrams/s, full socket) | flood asked (datagrams/s) | flood sent (datagrams/s) | flood sent | over capacity | node's CPU in the flood (cores) | drained after (s) | 1-min load |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['round']} | {r['nice']} | {f(r,'capacity_dps'):.0f} ({int(f(r,'capacity_received'))} in {f(r,'capacity_seconds'):.3f} s, fill drops {r['capacity_fill_drops']}) | {f(r,'flood_asked_dps'):.0f} | {f(r,'flood_dps'):.0f} | {r['flood_sent']} in {r['flood_seconds']} s | {f(r,'flood_dps')/f(r,'capacity_dps'):.2f} × | {f(r,'node_cores_flood'):.2f} | {f(r,'drain_seconds'):.1f} | {r['load1']} |")
print()
print("## Every datagram of the flood phase (flood + legitimate peer), from the node's counters")
print()
reasons = sorted(k[5:] for k in rows[0] if k.startswith('drop_'))
print("| round | nice | sent | received | kernel drops (node / /proc) | filed (of which replays) | " + " | ".join(reasons) + " | delivery failures | sent − accounted |")
print("|---:|---:|---:|---:|---|---:|" + "---:|" * len(reasons) + "---:|---:|")
for r in rows:
    print(f"| {r['round']} | {r['nice']} | {r['sent_total']} | {r['received']} | {r['kernel_drops']} / {r['kernel_drops_proc']} | {r['filed']} ({r['filed_duplicates']}) | " + " | ".join(r['drop_' + x] for x in reasons) + f" | {r['delivery_failures']} | {int(f(r,'sent_total') - f(r,'accounted'))} |")
print()
print("## HTTP probes (ms from when each request was due; p50 / p99 / max, requests)")
print()
print("| round | nice | probe | idle | flood | failures |")
print("|---:|---:|---|---|---|---:|")
for r in rows:
    for p in ('admin', 'fetch', 'capabilities'):
        print(f"| {r['round']} | {r['nice']} | {p} | {r[p+'_idle_p50_ms']} / {r[p+'_idle_p99_ms']} / {r[p+'_idle_max_ms']} ({r[p+'_idle_n']}) | {r[p+'_flood_p50_ms']} / {r[p+'_flood_p99_ms']} / {r[p+'_flood_max_ms']} ({r[p+'_flood_n']}) | {r[p+'_failures']} |")
print()
print("## Memory (MiB)")
print()
print("| round | nice | RSS idle (max) | after the capacity burst | flood (max) | peak (VmHWM) |")
print("|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['round']} | {r['nice']} | {r['rss_idle_mb']} | {r['rss_after_capacity_mb']} | {r['rss_flood_mb']} | {r['rss_peak_mb']} |")
PY
[ -f perf-reports/flood-notes.md ] && { echo; cat perf-reports/flood-notes.md; } >> perf-reports/flood.md
# The headline: the default configuration's medians.
read -r filed admin_idle admin_flood < <(python3 - "$work/results" <<'PY'
import sys, statistics
rows = [dict(kv.split('=', 1) for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
rows = [r for r in rows if r['nice'] == '0']
m = lambda k: statistics.median(float(r[k]) for r in rows)
print(f"{100 * statistics.median(float(r['legit_filed']) / max(1, float(r['legit_sent'])) for r in rows):.2f} {m('admin_idle_p99_ms'):.2f} {m('admin_flood_p99_ms'):.2f}")
PY
)
summary_row "flood at ${multiple}× ingest capacity: legitimate notifications filed (%)" "$filed %" "—" "—" "≥ 99 %"
summary_row "flood at ${multiple}× ingest capacity: admin p99 (idle ÷ flood)" "$admin_flood ms" "idle $admin_idle ms" "$(python3 -c "print(f'{$admin_idle / max($admin_flood, 0.001):.2f}')")" "< 100 ms"
summary_write
cat perf-reports/flood.md
