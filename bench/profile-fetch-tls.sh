#!/usr/bin/env bash
# Profiles 1 KiB fetches over HTTPS/1.1 (TLS 1.3): Tern's HTTP/1.1 door behind Kestrel's TLS and nginx, set up as row
# (e) of bench/run-fetch.sh (same certificate, pinning, runtime settings, wrk script), each loaded by wrk in turn and
# sampled with perf record -g (Tern with the runtime's perf map) once warm. For each server: CPU µs per request over
# the sampled run, system calls per request by kind, and the samples split into kernel, OpenSSL, libc, runtime and
# managed code by assembly, each also as µs per request (share × CPU per request). Writes perf-reports/profile-fetch-tls.md.
#   bench/profile-fetch-tls.sh            (needs perf, wrk, nginx, openssl: make bench-deps; after `make build`)
#   PROFILE_SECONDS=8 TOP=40 bench/profile-fetch-tls.sh
set -euo pipefail
cd "$(dirname "$0")/.."
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
seconds="${PROFILE_SECONDS:-6}"
conns="${FETCH_CONNECTIONS:-64}"
server_core="${SERVER_CORE:-0}" load_core="${LOAD_CORE:-1}"
report=perf-reports/profile-fetch-tls.md
t_tls_h1=18184 n_tls_h1=18192
[ -f "$load" ] || { echo "build first: $load missing (make build)"; exit 1; }
for tool in perf nginx wrk openssl taskset; do command -v "$tool" >/dev/null || { echo "$tool missing (make bench-deps)"; exit 1; }; done
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-profile-tls-XXXXXX")
tern_pid="" nginx_pid=""
cleanup() {
  [ -n "$tern_pid" ] && kill "$tern_pid" 2>/dev/null && wait "$tern_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  [ -z "${PROFILE_KEEP:-}" ] || cp "$work"/*.data "$PROFILE_KEEP"/ 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$work/tls" "$work/nginx-tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/tls/key.pem" -out "$work/tls/cert.pem" 2> /dev/null
# The runtime settings of bench/run-fetch.sh, plus the perf map so managed frames have names.
taskset -c "$server_core" env DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_gcServer=0 DOTNET_TieredPGO=1 \
  DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 DOTNET_TC_DelaySingleProcMultiplier=1 \
  dotnet "$load" fetch-serve "$work" 1000 1024 0 18180 18181 18182 0 $t_tls_h1 18185 18186 "$work/tls/cert.pem" "$work/tls/key.pem" > "$work/tern.log" 2>&1 &
tern_pid=$!
for _ in $(seq 1 600); do grep -q READY "$work/tern.log" 2>/dev/null && break; kill -0 "$tern_pid" 2>/dev/null || { cat "$work/tern.log"; exit 1; }; sleep 1; done
chmod -R a+rX "$work"
sed -e "s#@WORK@#$work#g" -e "s#@ROOT@#$work/www#g" -e "s#@H1PORT@#18190#g" -e "s#@H2PORT@#18191#g" \
  -e "s#@TLSH1PORT@#$n_tls_h1#g" -e "s#@TLSH2PORT@#18193#g" bench/baselines/nginx-fetch.conf > "$work/nginx.conf"
taskset -c "$server_core" nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
sleep 1
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)
[ -n "$nginx_worker" ] || { echo "nginx did not start"; exit 1; }

wrk_run() { CAPS="$work/caps.txt" taskset -c "$load_core" wrk -t1 -c"$conns" -d"$2s" -s bench/baselines/wrk-blobs.lua "https://127.0.0.1:$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
calls="recvfrom sendto read write writev pread64 epoll_wait epoll_ctl futex sched_yield setsockopt"
events=$(for c in $calls; do [ -d "/sys/kernel/tracing/events/syscalls/sys_enter_$c" ] && printf 'syscalls:sys_enter_%s,' "$c"; done)context-switches
# profile <name> <port> <pid>: warm, then perf record for $seconds s inside a wrk run, then perf stat inside another.
profile() {
  local name=$1 port=$2 pid=$3 c0 c1 out sampler
  wrk_run "$port" 8 > /dev/null
  c0=$(cpu_ticks "$pid")
  { sleep 1; perf record -o "$work/$name.data" -F 1999 -g -p "$pid" -- sleep "$seconds" 2> /dev/null; } &
  sampler=$!
  out=$(wrk_run "$port" $((seconds + 2)))
  wait "$sampler"
  c1=$(cpu_ticks "$pid")
  awk -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" '/requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%s %.1f\n", r, c * 1e6 / hz / n}' <<< "$out" > "$work/$name.rate"
  { sleep 1; perf stat -x, -e "$events" -p "$pid" -o "$work/$name.stat" -- sleep 3 2> /dev/null; } &
  sampler=$!
  out=$(wrk_run "$port" 5)
  wait "$sampler"
  awk '/Requests\/sec/ {print $2}' <<< "$out" > "$work/$name.statrate"
}
profile tern $t_tls_h1 "$tern_pid"
profile nginx $n_tls_h1 "$nginx_worker"

# Self samples grouped by where the time goes.
groups() {
  perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | awk -v cpu="$2" '
    { p = $1; sub("%", "", p); k = "other"
      if ($0 ~ /\[kernel/) k = "kernel (TCP over loopback, system calls, scheduling)"
      else if ($0 ~ /libcrypto|libssl|Cryptography.Native.OpenSsl/) k = "OpenSSL (libssl, libcrypto, .NET shim)"
      else if ($0 ~ /libc\.so/) k = "libc (memcpy, malloc, syscall wrappers)"
      else if ($0 ~ /libcoreclr|ld-linux|\] stub /) k = "runtime (libcoreclr, stubs)"
      else if ($0 ~ /System\.Net\.Security/) k = "managed: SslStream (System.Net.Security)"
      else if ($0 ~ /System\.IO\.Pipelines/) k = "managed: System.IO.Pipelines"
      else if ($0 ~ /Kestrel\.Core/) k = "managed: Kestrel TLS adapter (Kestrel.Core)"
      else if ($0 ~ /Transport\.Sockets/) k = "managed: Kestrel socket transport"
      else if ($0 ~ /System\.Net\.Sockets/) k = "managed: System.Net.Sockets"
      else if ($0 ~ /\[Tern\./) k = "managed: Tern (HTTP/1.1 door, blob cache)"
      else if ($0 ~ /System\.Private\.CoreLib/) k = "managed: CoreLib (async machinery, memmove)"
      else if ($0 ~ / nginx /) k = "nginx"
      s[k] += p }
    END { for (k in s) printf "| %s | %.1f %% | %.2f |\n", k, s[k], s[k] * cpu / 100 }' | sort -t'|' -k3 -rn
}
per_request() { awk -F, -v r="$(cat "$1.statrate")" '$1 ~ /^[0-9]+$/ && $1 > 0 { e = $3; sub("syscalls:sys_enter_", "", e); printf "%s %.2f, ", e, $1 / (r * 3) }' "$1.stat" | sed 's/, $//'; }
read -r tern_rate tern_cpu < "$work/tern.rate"; read -r nginx_rate nginx_cpu < "$work/nginx.rate"
negotiated() { openssl s_client -connect "127.0.0.1:$1" -tls1_3 < /dev/null 2> /dev/null | sed -n 's/^New, \(.*\)$/\1/p' | head -1; }
{
  echo "# Profile of 1 KiB fetches over HTTPS/1.1 (TLS 1.3): Tern beside nginx"
  echo
  echo "- command: \`bench/profile-fetch-tls.sh\` (wrk -t1 -c$conns over TLS, each server warmed 8 s, then perf record -F 1999 -g for $seconds s inside a wrk run, then perf stat of system calls inside another 5 s run)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version), nginx $(nginx -v 2>&1 | cut -d/ -f2); load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- servers pinned to core $server_core, wrk to core $load_core; negotiated: Tern $(negotiated $t_tls_h1); nginx $(negotiated $n_tls_h1)"
  echo
  echo "| server | requests/s (sampled run) | CPU µs/request | system calls and switches per request |"
  echo "|---|---|---|---|"
  echo "| nginx | $nginx_rate | $nginx_cpu | $(per_request "$work/nginx") |"
  echo "| Tern | $tern_rate | $tern_cpu | $(per_request "$work/tern") |"
  echo
  for name in tern nginx; do
    cpu=$tern_cpu; [ $name = nginx ] && cpu=$nginx_cpu
    echo "## $name: where the samples go (self), and as µs per request"
    echo
    echo "| where | samples | µs/request |"
    echo "|---|---|---|"
    groups "$work/$name.data" "$cpu"
    echo
    echo "By binary (\`[JIT]\` is the managed code the layers above split; \"other\" there is what the rows below name besides it):"
    echo
    echo '```'
    perf report -i "$work/$name.data" --no-children --sort dso --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -12 || true
    echo '```'
    echo
    echo "Top symbols (self):"
    echo
    echo '```'
    perf report -i "$work/$name.data" --no-children --sort dso,sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | head -"${TOP:-30}" | cut -c1-200 || true
    echo '```'
    echo
  done
  echo "## Tern: top frames with their callees (children)"
  echo
  echo '```'
  perf report -i "$work/tern.data" --children --sort sym --stdio -g none 2> /dev/null | grep -E '^ +[0-9]' | grep -v '\] 0x0000' | head -"${TOP:-45}" | cut -c1-200 || true
  echo '```'
} > "$report"
echo "wrote $report"
