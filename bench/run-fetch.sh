#!/usr/bin/env bash
# Fetch door benchmarks, each beside nginx serving the same blobs as files, in the same script, back to back.
# Every server is pinned to core 0 (taskset), every load tool to core 1. Three alternating pairs per figure, medians.
#  (a) 1 KiB blobs over HTTP/1.1: wrk, $CONNS connections, nginx (1 worker), Tern's HTTP/1.1 door, then the same blob
#      door behind Kestrel's HTTP/1.1 stack (same process). Target Tern/nginx >= 1.0.
#  (b) 1 KiB blobs over h2c: h2load, 8 connections x 8 streams, nginx then Tern (no target; reported).
#  (c) 1 KiB blobs over the framed door, 64 in flight on one connection (bench/Tern.Load fetch-framed), right after
#      Tern's HTTP/1.1 run of the same pair. Target framed/HTTP-1.1 >= 2.0.
#  (d) one 1 GiB blob, curl to /dev/null, nginx (sendfile) then Tern. Target Tern/nginx >= 0.8.
#  (e) over TLS 1.3 (one self-signed P-256 certificate for both servers, OpenSSL's default suites on both): 1 KiB over
#      HTTPS/1.1 (wrk) and h2 (h2load), Tern beside nginx; 1 KiB over the framed door with TLS beside nginx's HTTPS/1.1;
#      one 1 GiB blob over HTTPS (nginx without kTLS cannot sendfile through TLS). Targets >= 1.0 (1 KiB), >= 0.8 (1 GiB).
#      FETCH_TLS=0 leaves them out.
# FETCH_ONLY=https1 runs the HTTPS/1.1 pair of (e) alone (wrk, Tern then nginx, $FETCH_PAIRS pairs, no big blob) and
# writes perf-reports/fetch-https1.md instead: for trying a change to that path (perf-reports/profile-fetch-tls.md).
# Writes perf-reports/fetch.md. Expects a Release build (make build) and nginx, wrk, h2load, curl (make bench-deps).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin fetch
source bench/stats.sh
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
report=perf-reports/fetch.md
# 5 s a run (10 with BENCH_FULL=1): a 1 KiB run still completes 150 000-500 000 requests, and the pairs of the 10 s
# report of 2026-12-06 spread 8-15 % between pairs (machine noise) while each run's own count is far past where its
# rate settles, so halving the window keeps the medians as sound and halves the script (3 pairs of 13 timed runs).
seconds="${FETCH_SECONDS:-$([ "${BENCH_FULL:-}" = 1 ] && echo 10 || echo 5)}"
blobs="${FETCH_BLOBS:-1000}"
big_mib="${FETCH_BIG_MIB:-1024}"
conns="${FETCH_CONNECTIONS:-64}"
inflight=64
pairs="${FETCH_PAIRS:-3}"
server_core="${SERVER_CORE:-0}"
load_core="${LOAD_CORE:-1}"
t_h1=18080 t_h2=18081 t_framed=18082 t_h1k=18083 n_h1=18090 n_h2=18091
t_tls_h1=18084 t_tls_h2=18085 t_tls_framed=18086 n_tls_h1=18092 n_tls_h2=18093
tls="${FETCH_TLS:-1}"
only="${FETCH_ONLY:-}"
case "$only" in
  "") ;;
  https1) tls=1; big_mib=0; report=perf-reports/fetch-https1.md ;;
  *) echo "FETCH_ONLY: https1, or unset for every row"; exit 2 ;;
esac
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }
for tool in nginx wrk h2load curl taskset openssl; do command -v "$tool" >/dev/null || { echo "$tool missing (make bench-deps)"; exit 1; }; done
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-fetch-XXXXXX")
tern_pid="" nginx_pid=""
cleanup() {
  [ -n "$tern_pid" ] && kill "$tern_pid" 2>/dev/null && wait "$tern_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
on_load() { taskset -c "$load_core" "$@"; }

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo "+dirty")
echo "work: $work; commit $commit; load before: $(loadavg)"
load_before=$(loadavg)

# Tern's runtime settings for a process confined to one core (ProcessorCount 1): no thread pool spinning (a waiting
# worker otherwise calls sched_yield in a loop, a sixth of the process's CPU), and the normal 100 ms tiering delay
# instead of ten times it (otherwise the door's code can stay unoptimised tier 0 for many seconds under load).
# Servers: Tern (store filled with $blobs blobs of 1 KiB and one of $big_mib MiB, the same bytes as files for nginx).
# One certificate for both servers over TLS: ECDSA P-256, self-signed for localhost and 127.0.0.1; the clients pin it.
mkdir -p "$work/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2> /dev/null
tls_args=()
[ "$tls" = 1 ] && tls_args=($t_tls_h1 $t_tls_h2 $t_tls_framed "$work/tls/cert.pem" "$work/tls/key.pem")
taskset -c "$server_core" env DOTNET_gcServer=0 DOTNET_TieredPGO=1 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_TC_DelaySingleProcMultiplier=1 \
  dotnet "$load" fetch-serve "$work" "$blobs" 1024 "$big_mib" $t_h1 $t_h2 $t_framed $t_h1k "${tls_args[@]}" > "$work/tern.log" 2>&1 &
tern_pid=$!
for _ in $(seq 1 600); do grep -q READY "$work/tern.log" 2>/dev/null && break; kill -0 "$tern_pid" 2>/dev/null || { cat "$work/tern.log"; exit 1; }; sleep 1; done
grep -q READY "$work/tern.log" || { echo "Tern did not start"; cat "$work/tern.log"; exit 1; }
chmod -R a+rX "$work"
mkdir -p "$work/nginx-tmp"
sed -e "s#@WORK@#$work#g" -e "s#@ROOT@#$work/www#g" -e "s#@H1PORT@#$n_h1#g" -e "s#@H2PORT@#$n_h2#g" \
  -e "s#@TLSH1PORT@#$n_tls_h1#g" -e "s#@TLSH2PORT@#$n_tls_h2#g" bench/baselines/nginx-fetch.conf > "$work/nginx.conf"
taskset -c "$server_core" nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
sleep 1
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
[ -n "$nginx_worker" ] || { echo "nginx did not start"; cat "$work/nginx-error.log"; exit 1; }
caps="$work/caps.txt"
big=$([ "$big_mib" -gt 0 ] && cat "$work/big.txt" || true)
sed "s#^#http://127.0.0.1:$t_h2/v1/blobs/#" "$caps" > "$work/urls-tern.txt"
sed "s#^#http://127.0.0.1:$n_h2/v1/blobs/#" "$caps" > "$work/urls-nginx.txt"
one=$(head -1 "$caps")
for port in $t_h1 $t_h1k $n_h1; do
  curl -sf -o /dev/null "http://127.0.0.1:$port/v1/blobs/$one" || { echo "port $port does not serve the blob"; exit 1; }
done
if [ "$tls" = 1 ]; then
  sed "s#^#https://127.0.0.1:$t_tls_h2/v1/blobs/#" "$caps" > "$work/urls-tern-tls.txt"
  sed "s#^#https://127.0.0.1:$n_tls_h2/v1/blobs/#" "$caps" > "$work/urls-nginx-tls.txt"
  for port in $t_tls_h1 $t_tls_h2 $n_tls_h1 $n_tls_h2; do
    curl -sf --cacert "$work/tls/cert.pem" -o /dev/null "https://127.0.0.1:$port/v1/blobs/$one" || { echo "port $port does not serve the blob over TLS"; exit 1; }
  done
  # What each side negotiated, for the report: protocol and suite (openssl s_client, the clients' OpenSSL defaults).
  negotiated() { openssl s_client -connect "127.0.0.1:$1" -tls1_3 ${2:+-alpn "$2"} < /dev/null 2> /dev/null | sed -n 's/^New, \(.*\)$/\1/p' | head -1; }
  tls_tern=$(negotiated $t_tls_h1); tls_nginx=$(negotiated $n_tls_h1); tls_framed_suite=$(negotiated $t_tls_framed tern/1)
  ktls=$([ -e /proc/net/tls_stat ] && echo "the kernel has kTLS (/proc/net/tls_stat); nginx is not configured to use it" || echo "the kernel has no kTLS (no /proc/net/tls_stat)")
fi

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# A port alone is plain HTTP on loopback; https://… is passed as it is.
url() { case "$1" in http*) echo "$1" ;; *) echo "http://127.0.0.1:$1" ;; esac; }
# Prints "<requests/s> <server CPU microseconds per request>": the second is less sensitive to other load on the machine.
wrk_rate() {
  local c0 c1 out
  c0=$(cpu_ticks "$2")
  out=$(CAPS="$caps" on_load wrk -t1 -c"$conns" -d"${seconds}s" -s bench/baselines/wrk-blobs.lua "$(url "$1")")
  c1=$(cpu_ticks "$2")
  awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%s %.1f\n", r, c * 1e6 / hz / n}' <<< "$out"
}
h2_rate() { on_load h2load -D "$seconds" --warm-up-time=1 -c 8 -m 8 -t 1 -i "$2" 2>/dev/null | awk '/^finished in/ {print $4}'; }
framed_rate() { on_load dotnet "$load" fetch-framed "${1:-$t_framed}" "$caps" "$seconds" $inflight ${2:+"$2"} 2> /dev/null | sed -n "s/.*RESULT per_second=\([0-9.]*\).*/\1/p"; }
# Prints "<MB/s> <server CPU seconds per GiB>".
big_rate() {
  local c0 c1 speed
  c0=$(cpu_ticks "$2")
  speed=$(on_load curl -s --cacert "$work/tls/cert.pem" -o /dev/null -w '%{speed_download}' "$(url "$1")/v1/blobs/$big")
  c1=$(cpu_ticks "$2")
  awk -v s="$speed" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v mib="$big_mib" 'BEGIN {printf "%.0f %.2f\n", s / 1e6, c / hz / (mib / 1024)}'
}

# The HTTPS/1.1 pair alone: warm both servers over TLS, alternate nginx and Tern, report, and stop there.
if [ "$only" = https1 ]; then
  CAPS="$caps" on_load wrk -t1 -c"$conns" -d20s -s bench/baselines/wrk-blobs.lua "https://127.0.0.1:$t_tls_h1" > /dev/null
  CAPS="$caps" on_load wrk -t1 -c"$conns" -d3s -s bench/baselines/wrk-blobs.lua "https://127.0.0.1:$n_tls_h1" > /dev/null
  rows="" ratios=() tern_rates=() nginx_rates=() tern_cpus=() nginx_cpus=() cpu_ratios=()
  for i in $(seq 1 "$pairs"); do
    la=$(loadavg)
    read -r n ncpu <<< "$(wrk_rate "https://127.0.0.1:$n_tls_h1" "$nginx_worker")"; read -r t tcpu <<< "$(wrk_rate "https://127.0.0.1:$t_tls_h1" "$tern_pid")"
    r=$(ratio "$t" "$n"); rc=$(ratio "$tcpu" "$ncpu")
    ratios+=("$r"); cpu_ratios+=("$rc"); tern_rates+=("$t"); nginx_rates+=("$n"); tern_cpus+=("$tcpu"); nginx_cpus+=("$ncpu")
    rows+="| $i | $la | $n | $t | $r | $ncpu | $tcpu | $rc |"$'\n'
    echo "pair $i https/1.1: nginx $n, tern $t, ratio $r; CPU µs/request nginx $ncpu, tern $tcpu (load $la)"
  done
  cat > "$report" <<REPORT
# 1 KiB fetches over HTTPS/1.1 (TLS 1.3): Tern beside nginx, that pair alone

Command: \`FETCH_ONLY=https1 bench/run-fetch.sh\` (FETCH_SECONDS=$seconds, FETCH_PAIRS=$pairs, FETCH_CONNECTIONS=$conns).
Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Commit: $commit. Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr),
.NET $(dotnet --version), nginx $(nginx -v 2>&1 | cut -d/ -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2). Load average before: $load_before; after: $(loadavg).
Set-up as row (e) of perf-reports/fetch.md: each server pinned to core $server_core, wrk to core $load_core, one ECDSA P-256
certificate; negotiated: Tern $tls_tern; nginx $tls_nginx. Both warmed over TLS (20 s of wrk for Tern, whose JIT tiers up under it: at load 20 its CPU a request took 20–30 s of load to settle; 3 s for nginx) before the pairs.

| pair | load avg | nginx req/s | Tern req/s | Tern/nginx | nginx CPU µs/request | Tern CPU µs/request | Tern/nginx CPU |
|---|---|---|---|---|---|---|---|
$rows
Medians: nginx $(median "${nginx_rates[@]}") req/s at $(median "${nginx_cpus[@]}") µs, Tern $(median "${tern_rates[@]}") req/s at $(median "${tern_cpus[@]}") µs;
Tern/nginx **$(median "${ratios[@]}")** in requests/s (target ≥ 1.0), $(median "${cpu_ratios[@]}") in CPU per request.
REPORT
  echo "wrote $report"
  cat "$report"
  exit 0
fi

# Warm both servers (JIT, page cache, open file cache) before measuring.
CAPS="$caps" on_load wrk -t1 -c"$conns" -d3s -s bench/baselines/wrk-blobs.lua "http://127.0.0.1:$t_h1" > /dev/null
CAPS="$caps" on_load wrk -t1 -c"$conns" -d3s -s bench/baselines/wrk-blobs.lua "http://127.0.0.1:$n_h1" > /dev/null
big_rate $t_h1 "$tern_pid" > /dev/null; big_rate $n_h1 "$nginx_worker" > /dev/null

h1_rows="" h2_rows="" framed_rows="" big_rows="" tls_rows=""
tls_h1_ratios=() tls_h2_ratios=() tls_framed_ratios=() tls_big_ratios=() tls_tern_h1=() tls_nginx_h1=() tls_tern_h2=() tls_nginx_h2=() tls_framed=() tls_tern_big=() tls_nginx_big=() tls_tern_cpu=() tls_nginx_cpu=() tls_tern_bcpu=() tls_nginx_bcpu=()
nginx_cpu=() tern_cpu=() kestrel_cpu=() kestrel_h1=() kestrel_ratios=() h1_ratios=() h2_ratios=() framed_ratios=() big_ratios=() tern_h1=() nginx_h1=() tern_h2=() nginx_h2=() framed=() tern_big=() nginx_big=() nginx_bcpu=() tern_bcpu=()
for i in $(seq 1 "$pairs"); do
  la=$(loadavg)
  read -r n ncpu <<< "$(wrk_rate $n_h1 "$nginx_worker")"; read -r t tcpu <<< "$(wrk_rate $t_h1 "$tern_pid")"; f=$(framed_rate)
  read -r k kcpu <<< "$(wrk_rate $t_h1k "$tern_pid")"
  nginx_h1+=("$n"); tern_h1+=("$t"); framed+=("$f"); nginx_cpu+=("$ncpu"); tern_cpu+=("$tcpu"); kestrel_h1+=("$k"); kestrel_cpu+=("$kcpu")
  r=$(ratio "$t" "$n"); h1_ratios+=("$r"); rf=$(ratio "$f" "$t"); framed_ratios+=("$rf"); rk=$(ratio "$tcpu" "$kcpu"); kestrel_ratios+=("$rk")
  h1_rows+="| $i | $la | $n | $t | $r | $ncpu | $tcpu | $k | $kcpu |"$'\n'
  framed_rows+="| $i | $t | $f | $rf |"$'\n'
  echo "pair $i http/1.1: nginx $n, tern $t, ratio $r; framed $f, framed/http1 $rf (load $la)"

  la=$(loadavg)
  n=$(h2_rate $n_h2 "$work/urls-nginx.txt"); t=$(h2_rate $t_h2 "$work/urls-tern.txt")
  nginx_h2+=("$n"); tern_h2+=("$t"); r=$(ratio "$t" "$n"); h2_ratios+=("$r")
  h2_rows+="| $i | $la | $n | $t | $r |"$'\n'
  echo "pair $i h2c: nginx $n, tern $t, ratio $r"

  la=$(loadavg)
  read -r n nbcpu <<< "$(big_rate $n_h1 "$nginx_worker")"; read -r t tbcpu <<< "$(big_rate $t_h1 "$tern_pid")"
  nginx_big+=("$n"); tern_big+=("$t"); nginx_bcpu+=("$nbcpu"); tern_bcpu+=("$tbcpu"); r=$(ratio "$t" "$n"); big_ratios+=("$r")
  big_rows+="| $i | $la | $n | $t | $r | $nbcpu | $tbcpu |"$'\n'
  echo "pair $i 1 GiB: nginx $n MB/s, tern $t MB/s, ratio $r"

  if [ "$tls" = 1 ]; then
    la=$(loadavg)
    read -r n ncpu <<< "$(wrk_rate "https://127.0.0.1:$n_tls_h1" "$nginx_worker")"; read -r t tcpu <<< "$(wrk_rate "https://127.0.0.1:$t_tls_h1" "$tern_pid")"
    f=$(framed_rate $t_tls_framed "$work/tls/cert.pem")
    h2n=$(h2_rate $n_tls_h2 "$work/urls-nginx-tls.txt"); h2t=$(h2_rate $t_tls_h2 "$work/urls-tern-tls.txt")
    read -r bn bncpu <<< "$(big_rate "https://127.0.0.1:$n_tls_h1" "$nginx_worker")"; read -r bt btcpu <<< "$(big_rate "https://127.0.0.1:$t_tls_h1" "$tern_pid")"
    tls_nginx_h1+=("$n"); tls_tern_h1+=("$t"); tls_framed+=("$f"); tls_nginx_h2+=("$h2n"); tls_tern_h2+=("$h2t"); tls_nginx_big+=("$bn"); tls_tern_big+=("$bt")
    tls_nginx_cpu+=("$ncpu"); tls_tern_cpu+=("$tcpu"); tls_nginx_bcpu+=("$bncpu"); tls_tern_bcpu+=("$btcpu")
    r1=$(ratio "$t" "$n"); rf=$(ratio "$f" "$n"); r2=$(ratio "$h2t" "$h2n"); rb=$(ratio "$bt" "$bn")
    tls_h1_ratios+=("$r1"); tls_framed_ratios+=("$rf"); tls_h2_ratios+=("$r2"); tls_big_ratios+=("$rb")
    tls_rows+="| $i | $la | $n | $t | $r1 | $ncpu / $tcpu | $f | $rf | $h2n | $h2t | $r2 | $bn | $bt | $rb | $bncpu / $btcpu |"$'\n'
    echo "pair $i TLS: https/1.1 nginx $n, tern $t ($r1); framed $f ($rf); h2 nginx $h2n, tern $h2t ($r2); 1 GiB nginx $bn, tern $bt MB/s ($rb)"
  fi
done
load_after=$(loadavg)

h1_median=$(median "${h1_ratios[@]}"); h2_median=$(median "${h2_ratios[@]}")
framed_median=$(median "${framed_ratios[@]}"); big_median=$(median "${big_ratios[@]}")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
verdict() { python3 -c "print('met' if $1 >= $2 else 'NOT met')"; }

tls_summary="" tls_section=""
if [ "$tls" = 1 ]; then
  tls_h1_median=$(median "${tls_h1_ratios[@]}"); tls_h2_median=$(median "${tls_h2_ratios[@]}"); tls_framed_median=$(median "${tls_framed_ratios[@]}"); tls_big_median=$(median "${tls_big_ratios[@]}")
  tls_summary="| 1 KiB fetches/s, HTTPS/1.1 (TLS 1.3), wrk $conns conn | nginx $(median "${tls_nginx_h1[@]}") | $(median "${tls_tern_h1[@]}") | **$tls_h1_median** | ≥ 1.0: $(verdict "$tls_h1_median" 1.0) |
| 1 KiB fetches/s, framed over TLS 1.3, 64 in flight, 1 conn | nginx HTTPS/1.1 $(median "${tls_nginx_h1[@]}") | $(median "${tls_framed[@]}") | **$tls_framed_median** | ≥ 1.0: $(verdict "$tls_framed_median" 1.0) |
| 1 KiB fetches/s, h2 over TLS 1.3, h2load 8 conn × 8 streams | nginx $(median "${tls_nginx_h2[@]}") | $(median "${tls_tern_h2[@]}") | **$tls_h2_median** | ≥ 1.0: $(verdict "$tls_h2_median" 1.0) |
| 1 GiB blob over HTTPS, MB/s, curl | nginx $(median "${tls_nginx_big[@]}") | $(median "${tls_tern_big[@]}") | **$tls_big_median** | ≥ 0.8: $(verdict "$tls_big_median" 0.8) |"
  tls_section="## (e) Over TLS 1.3

One certificate for both servers (ECDSA P-256, self-signed, pinned by the clients). Negotiated, by \`openssl s_client\`
with the clients' defaults: Tern $tls_tern; nginx $tls_nginx; Tern's framed door (ALPN tern/1) $tls_framed_suite. nginx:
TLS 1.3 only, a session cache, OpenSSL's default suites; $ktls, so nginx reads the 1 GiB file and encrypts it in user
space like Tern (no sendfile). The framed door's row is against nginx's HTTPS/1.1 (nginx has no framed door). CPU per
request and per GiB as in (a) and (d).

| pair | load avg | nginx HTTPS/1.1 | Tern HTTPS/1.1 | Tern/nginx | CPU µs/request nginx / Tern | Tern framed TLS | framed/nginx HTTPS | nginx h2 | Tern h2 | Tern/nginx | nginx 1 GiB MB/s | Tern 1 GiB MB/s | Tern/nginx | CPU s/GiB nginx / Tern |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
$tls_rows
Medians of the CPU figures: per 1 KiB request nginx $(median "${tls_nginx_cpu[@]}") µs, Tern $(median "${tls_tern_cpu[@]}") µs; per GiB over HTTPS nginx
$(median "${tls_nginx_bcpu[@]}") s, Tern $(median "${tls_tern_bcpu[@]}") s. What bounds the HTTPS/1.1 row (the same OpenSSL and kernel cost on
both sides, plus the stream and pipe layers between Kestrel's socket transport and the door on Tern's): \`perf-reports/fetch-notes.md\`,
from \`bench/profile-fetch-tls.sh\` (\`perf-reports/profile-fetch-tls.md\`); \`FETCH_ONLY=https1\` runs that pair alone."
fi
cat > "$report" <<REPORT
# Fetch doors: Tern beside nginx

Command: \`make bench-fetch\` (\`bench/run-fetch.sh\`; FETCH_SECONDS=$seconds, FETCH_PAIRS=$pairs, FETCH_CONNECTIONS=$conns).
Date: $(date -u '+%Y-%m-%d %H:%M UTC'). Commit: $commit. Machine: $(nproc) cores, $cpu, $(uname -sr),
.NET $(dotnet --version), nginx $(nginx -v 2>&1 | cut -d/ -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(h2load --version | head -1).
Load average (1/5/15 min) before: $load_before; after: $load_after. The machine is shared with other builds: pairs run back
to back, alternating, and each ratio compares runs a few seconds apart; medians are reported.

Set-up: each server pinned to core $server_core with \`taskset\`, each load tool to core $load_core. Tern: one process
(\`Tern.Load fetch-serve\`) with a transit store of $blobs blobs of 1 KiB and one of $big_mib MiB; Tern's HTTP/1.1 door
and the framed door on one Kestrel server (inline pipe scheduling), h2c and Kestrel's HTTP/1.1 on another; plain text
on loopback, workstation GC, socket completions inline (\`SocketCompletions.PreferInline\`, as a fetch-serving host
sets it), and the runtime settings for one core (\`DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0\`,
\`DOTNET_TC_DelaySingleProcMultiplier=1\`). nginx: one worker, the same
bytes as files at the same URLs (\`bench/baselines/nginx-fetch.conf\`: sendfile, open file cache, no access log).
Both servers are warmed (3 s of wrk each, one big download) before the pairs.

## Summary

| what | baseline | Tern | ratio (median) | target |
|---|---|---|---|---|
| 1 KiB fetches/s, HTTP/1.1, wrk $conns conn | nginx $(median "${nginx_h1[@]}") | $(median "${tern_h1[@]}") | **$h1_median** | ≥ 1.0: $(verdict "$h1_median" 1.0) |
| 1 KiB fetches/s, framed, 64 in flight, 1 conn | Tern HTTP/1.1 $(median "${tern_h1[@]}") | $(median "${framed[@]}") | **$framed_median** | ≥ 2.0: $(verdict "$framed_median" 2.0) |
| 1 KiB fetches/s, h2c, h2load 8 conn × 8 streams | nginx $(median "${nginx_h2[@]}") | $(median "${tern_h2[@]}") | **$h2_median** | (reported) |
| 1 GiB blob, MB/s, curl | nginx sendfile $(median "${nginx_big[@]}") | $(median "${tern_big[@]}") | **$big_median** | ≥ 0.8: $(verdict "$big_median" 0.8) |
$tls_summary

## (a) 1 KiB blobs, HTTP/1.1 (wrk -t1 -c$conns -d${seconds}s, requests/s)

| pair | load avg | nginx | Tern | Tern/nginx | nginx CPU µs/request | Tern CPU µs/request | Kestrel HTTP/1.1 | its CPU µs/request |
|---|---|---|---|---|---|---|---|---|
$h1_rows
Server CPU per request (utime + stime of the server process over the run, divided by the requests wrk completed):
median nginx $(median "${nginx_cpu[@]}") µs, Tern $(median "${tern_cpu[@]}") µs (Tern/nginx $(ratio "$(median "${tern_cpu[@]}")" "$(median "${nginx_cpu[@]}")")). It moves
less with the other load on the machine than requests/s do. Server core busy (CPU per request × requests/s): nginx
$(python3 -c "print(round($(median "${nginx_cpu[@]}") * $(median "${nginx_h1[@]}") / 1e4))") %, Tern $(python3 -c "print(round($(median "${tern_cpu[@]}") * $(median "${tern_h1[@]}") / 1e4))") %. When neither server
fills its core, the requests/s figures are bounded by the load tool (one wrk thread running its Lua request
function) and by scheduling on this shared machine, not by the servers; the CPU per request is then the better
comparison of the two servers' costs.

The last two columns serve the same blobs through the same blob door behind Kestrel's HTTP/1.1 stack instead of
Tern's own HTTP/1.1 door, in the same process, right after Tern's run: Tern's door takes **$(median "${kestrel_ratios[@]}")×**
the CPU per request of Kestrel's (median of the pairs' ratios).

## (c) 1 KiB blobs, framed door, 64 fetches in flight on one connection (fetches/s)

Measured right after Tern's HTTP/1.1 run of the same pair.

| pair | Tern HTTP/1.1 | Tern framed | framed/HTTP-1.1 |
|---|---|---|---|
$framed_rows
## (b) 1 KiB blobs, h2c (h2load -c8 -m8 -D$seconds, requests/s)

| pair | load avg | nginx | Tern | Tern/nginx |
|---|---|---|---|---|
$h2_rows
## (d) One 1 GiB blob (curl to /dev/null, MB/s)

Tern reads each committed 256 KiB chunk of the blob straight from its transit log's segment files through the page
cache (\`SegmentFiles\`: address → segment file and offset, FasterLog's read path only as fallback) into the response
pipe's own memory: one copy in user space, then the socket send. nginx hands the page-cached file to the kernel with
sendfile (no copy in user space). Both are warm (one download each before the pairs).

| pair | load avg | nginx | Tern | Tern/nginx | nginx CPU s/GiB | Tern CPU s/GiB |
|---|---|---|---|---|---|---|
$big_rows
Server CPU per GiB sent (utime + stime of the server process over the download): median nginx $(median "${nginx_bcpu[@]}") s,
Tern $(median "${tern_bcpu[@]}") s. A download takes about a second, so its MB/s swing with whatever else runs on the
two cores at that moment; the CPU per GiB is the steadier comparison.

$tls_section

Checking ranged fetches against the payload hash (proofs, each chunk as it lands): \`perf-reports/fetch-verify.md\`
(\`bench/run-fetch-verify.sh\`), a ranged framed fetch with and without verification and the CPU per GiB checked.
REPORT
echo "wrote $report"
summary_row "1 KiB fetches/s, HTTP/1.1, wrk $conns connections (Tern ÷ nginx)" "$(median "${tern_h1[@]}")/s" "nginx $(median "${nginx_h1[@]}")/s" "$h1_median" "≥ 1.0"
summary_row "1 KiB fetches/s, framed door, 64 in flight on one connection (framed ÷ Tern's HTTP/1.1)" "$(median "${framed[@]}")/s" "Tern HTTP/1.1 $(median "${tern_h1[@]}")/s" "$framed_median" "≥ 2.0"
summary_row "1 KiB fetches/s, h2c, h2load 8 × 8 (Tern ÷ nginx)" "$(median "${tern_h2[@]}")/s" "nginx $(median "${nginx_h2[@]}")/s" "$h2_median" "—"
summary_row "one ${big_mib} MiB blob fetched, MB/s (Tern ÷ nginx sendfile)" "$(median "${tern_big[@]}") MB/s" "nginx sendfile $(median "${nginx_big[@]}") MB/s" "$big_median" "≥ 0.8"
if [ "$tls" = 1 ]; then
  summary_row "1 KiB fetches/s, HTTPS/1.1, TLS 1.3 (Tern ÷ nginx)" "$(median "${tls_tern_h1[@]}")/s" "nginx $(median "${tls_nginx_h1[@]}")/s" "$tls_h1_median" "≥ 1.0"
  summary_row "1 KiB fetches/s, framed over TLS 1.3 (Tern ÷ nginx HTTPS/1.1)" "$(median "${tls_framed[@]}")/s" "nginx HTTPS/1.1 $(median "${tls_nginx_h1[@]}")/s" "$tls_framed_median" "≥ 1.0"
  summary_row "1 KiB fetches/s, h2 over TLS 1.3 (Tern ÷ nginx)" "$(median "${tls_tern_h2[@]}")/s" "nginx $(median "${tls_nginx_h2[@]}")/s" "$tls_h2_median" "≥ 1.0"
  summary_row "one ${big_mib} MiB blob over HTTPS, MB/s (Tern ÷ nginx)" "$(median "${tls_tern_big[@]}") MB/s" "nginx $(median "${tls_nginx_big[@]}") MB/s" "$tls_big_median" "≥ 0.8"
fi
summary_write
cat "$report"
