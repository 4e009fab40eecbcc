#!/usr/bin/env bash
# C2S submit capacity (issue 14), each server in its own process: durable 1 KiB submissions through a node — `tern run`
# as a child process on a data directory the load tool writes (a.example, the client API on loopback, one user, a
# notification scheduled per message to a UDP port that only receives) — loaded by wrk over HTTP/1.1 with a bearer
# token; beside it, in the same script, alternated: the bare transit store's submit in its own process (as many
# concurrent submitters, in-process), and the HTTP floor (the same wrk requests against a Kestrel route in its own
# process that reads the body and answers 201, storing nothing). wrk is the client that costs least (C, one thread,
# an event loop, nothing run per response), but it shares the 2 cores with the server: the server's CPU per request
# (/proc/<pid>/stat over the measured seconds) is the capacity figure, throughput is reported beside it. The node is also
# loaded through the batch route (POST /v1/messages/batch, C2S_BATCH messages a request over C2S_BATCH_CONCURRENCY
# connections, bench/c2s-batch.lua), its CPU per message against the same bare store's, and again with the same batches
# in MessagePack (bench/c2s-batch.lua with C2S_ENCODING=msgpack: bodies as bin instead of base64 in JSON, the answer in MessagePack too).
# Writes perf-reports/c2s.md. Expects a Release build (make build) and wrk (make bench-deps).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/summary.sh
summary_begin c2s
source bench/stats.sh
load=bench/Tern.Load/bin/Release/net10.0/Tern.Load.dll
tern=hosts/Tern.Cli/bin/Release/net10.0/tern.dll
script=bench/c2s-post.lua
batch_script=bench/c2s-batch.lua
report=perf-reports/c2s.md
# 5 s a run (8 with BENCH_FULL=1): the capacity figure is CPU per request over the measured seconds, which 70 000+
# requests (node) and 200 000+ (bare store) settle well before 5 s; the rounds' ratios spread 0.25-0.28 (single) and
# 0.40-0.53 (batch) in the 8 s report of 2026-12-06, machine noise that a longer window does not remove. Every process
# compiles fully optimized from its start (below), so no part of the window is warm-up.
seconds="${C2S_SECONDS:-$([ "${BENCH_FULL:-}" = 1 ] && echo 8 || echo 5)}"
concurrency="${C2S_CONCURRENCY:-256}"
rounds="${C2S_ROUNDS:-3}"
batch="${C2S_BATCH:-64}"
# As many messages in flight as the bare store has submitters.
batch_concurrency="${C2S_BATCH_CONCURRENCY:-$(( (concurrency + batch - 1) / batch ))}"
[ -f "$load" ] && [ -f "$tern" ] || { echo "build first: $load or $tern missing (make build)"; exit 1; }
command -v wrk > /dev/null || { echo "wrk missing (make bench-deps)"; exit 1; }
work=$(mktemp -d "${TERN_BENCH_DIR:-/var/tmp}/tern-c2s-XXXXXX")
# The load tool stops its children itself; should it die first, the nodes it started are found by their ports.json.
cleanup() {
  for ports in "$work"/*/*/state/ports.json; do
    [ -f "$ports" ] && kill "$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$ports")" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Eight-second runs would otherwise measure partly unoptimized code (tiered JIT and its instrumentation), the node's
# far more than the bare store's: every process (the node children inherit it) compiles fully optimized from the start.
export DOTNET_TieredCompilation=0

result() { sed -n 's/.*RESULT.* '"$2"'=\([0-9.]*\).*/\1/p' <<< "$1"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
bare=(); node=(); floor=(); bare_cpu=(); node_cpu=(); floor_cpu=(); cpu_ratios=(); rate_ratios=(); floor_ratios=()
bare_commits=(); many=(); many_cpu=(); many_ratios=(); many_rate_ratios=(); node_client=(); many_client=()
packed=(); packed_cpu=(); packed_ratios=(); packed_rate_ratios=(); packed_client=()
idle=(); loaded=(); peak=()
for i in $(seq "$rounds"); do
  out=$(nice -n 10 dotnet "$load" transit-submit "$work/bare" "$seconds" "$concurrency" 1024); rm -rf "$work/bare"
  b=$(result "$out" per_second); b_cpu=$(result "$out" cpu_us_per_submit); bare_commits+=("$(result "$out" per_commit)")
  out=$(nice -n 10 dotnet "$load" c2s-submit "$work/node$i" "$seconds" "$concurrency" 1024 "$tern" "$script"); rm -rf "$work/node$i"
  n=$(result "$out" per_second); n_cpu=$(result "$out" cpu_us_per_request); refused=$(result "$out" refused)
  idle+=("$(result "$out" rss_idle_mb)"); loaded+=("$(result "$out" rss_loaded_mb)"); peak+=("$(result "$out" rss_peak_mb)")
  n_p50=$(result "$out" latency_p50_us); n_p99=$(result "$out" latency_p99_us); n_client=$(result "$out" client_cpu_us_per_message)
  out=$(C2S_ENCODING=json nice -n 10 dotnet "$load" c2s-submit "$work/batch$i" "$seconds" "$batch_concurrency" 1024 "$tern" "$batch_script" "$batch"); rm -rf "$work/batch$i"
  m=$(result "$out" messages_per_second); m_cpu=$(result "$out" cpu_us_per_message); m_refused=$(result "$out" refused); m_client=$(result "$out" client_cpu_us_per_message)
  m_p50=$(result "$out" latency_p50_us); m_p99=$(result "$out" latency_p99_us); m_rss=$(result "$out" rss_loaded_mb)
  out=$(C2S_ENCODING=msgpack nice -n 10 dotnet "$load" c2s-submit "$work/packed$i" "$seconds" "$batch_concurrency" 1024 "$tern" "$batch_script" "$batch"); rm -rf "$work/packed$i"
  p=$(result "$out" messages_per_second); p_cpu=$(result "$out" cpu_us_per_message); p_refused=$(result "$out" refused); p_client=$(result "$out" client_cpu_us_per_message)
  p_p50=$(result "$out" latency_p50_us); p_p99=$(result "$out" latency_p99_us); p_rss=$(result "$out" rss_loaded_mb)
  out=$(nice -n 10 dotnet "$load" http-floor "$work/floor$i" "$seconds" "$concurrency" 1024 "$script"); rm -rf "$work/floor$i"
  f=$(result "$out" per_second); f_cpu=$(result "$out" cpu_us_per_request)
  cr=$(ratio "$b_cpu" "$n_cpu"); rr=$(ratio "$n" "$b"); fr=$(ratio "$f_cpu" "$n_cpu"); mr=$(ratio "$b_cpu" "$m_cpu"); mrr=$(ratio "$m" "$b")
  pr=$(ratio "$b_cpu" "$p_cpu"); prr=$(ratio "$p" "$b")
  bare+=("$b"); node+=("$n"); floor+=("$f"); bare_cpu+=("$b_cpu"); node_cpu+=("$n_cpu"); floor_cpu+=("$f_cpu")
  cpu_ratios+=("$cr"); rate_ratios+=("$rr"); floor_ratios+=("$fr")
  many+=("$m"); many_cpu+=("$m_cpu"); many_ratios+=("$mr"); many_rate_ratios+=("$mrr"); node_client+=("$n_client"); many_client+=("$m_client")
  packed+=("$p"); packed_cpu+=("$p_cpu"); packed_ratios+=("$pr"); packed_rate_ratios+=("$prr"); packed_client+=("$p_client")
  rows+="| $i | $b_cpu µs ($b/s) | $n_cpu µs ($n/s; $refused refused; wrk p50/p99 $((n_p50 / 1000))/$((n_p99 / 1000)) ms; RSS ${idle[-1]} → ${loaded[-1]} MB) | $m_cpu µs ($m/s; $m_refused refused; wrk p50/p99 a batch $((m_p50 / 1000))/$((m_p99 / 1000)) ms; RSS $m_rss MB) | $p_cpu µs ($p/s; $p_refused refused; wrk p50/p99 a batch $((p_p50 / 1000))/$((p_p99 / 1000)) ms; RSS $p_rss MB) | $f_cpu µs ($f/s) | $cr | $mr | $pr | $rr | $mrr | $prr | $fr | $n_client / $m_client / $p_client µs |"$'\n'
  echo "round $i: bare store $b_cpu µs ($b/s), node $n_cpu µs ($n/s), node batch $m_cpu µs a message ($m/s), in MessagePack $p_cpu µs ($p/s), HTTP floor $f_cpu µs ($f/s); capacity node / bare $cr, batch $mr, MessagePack batch $pr"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
m_bare_cpu=$(median "${bare_cpu[@]}"); m_node_cpu=$(median "${node_cpu[@]}"); m_floor_cpu=$(median "${floor_cpu[@]}"); m_many_cpu=$(median "${many_cpu[@]}"); m_packed_cpu=$(median "${packed_cpu[@]}")
tern_share=$(awk -v n="$m_node_cpu" -v b="$m_bare_cpu" -v f="$m_floor_cpu" 'BEGIN { printf "%.1f", n - b - f }')
bound=$(awk -v b="$m_bare_cpu" -v f="$m_floor_cpu" 'BEGIN { printf "%.2f", b / (b + f) }')
batch_floor=$(awk -v f="$m_floor_cpu" -v n="$batch" 'BEGIN { printf "%.1f", f / n }')
batch_bound=$(awk -v b="$m_bare_cpu" -v f="$m_floor_cpu" -v n="$batch" 'BEGIN { printf "%.2f", b / (b + f / n) }')
batch_share=$(awk -v m="$m_many_cpu" -v b="$m_bare_cpu" 'BEGIN { printf "%.1f", m - b }')
packed_share=$(awk -v m="$m_packed_cpu" -v b="$m_bare_cpu" 'BEGIN { printf "%.1f", m - b }')
json_extra=$(awk -v m="$m_many_cpu" -v p="$m_packed_cpu" 'BEGIN { printf "%.1f", m - p }')
bare_per_commit=$(median "${bare_commits[@]}")
m_many_ratio=$(median "${many_ratios[@]}"); m_packed_ratio=$(median "${packed_ratios[@]}"); m_single_ratio=$(median "${cpu_ratios[@]}")
met() { awk -v r="$1" 'BEGIN { exit !(r >= 0.8) }'; }
if met "$m_many_ratio" && met "$m_packed_ratio"; then
  verdict="The target (≥ 0.8) is met through the batch route, in JSON ($m_many_ratio) and in MessagePack ($m_packed_ratio); a request per message stays at $m_single_ratio."
elif met "$m_packed_ratio"; then
  verdict="The target (≥ 0.8) is met through the batch route in MessagePack ($m_packed_ratio), not in JSON ($m_many_ratio); a request per message stays at $m_single_ratio."
elif met "$m_many_ratio"; then
  verdict="The target (≥ 0.8) is met through the batch route in JSON ($m_many_ratio), not in MessagePack ($m_packed_ratio); a request per message stays at $m_single_ratio."
else
  verdict="The target (≥ 0.8) is not met: $m_many_ratio through the batch route in JSON, $m_packed_ratio in MessagePack, $m_single_ratio with a request per message."
fi
json_verdict="the answer of the single submit written through a source-generated System.Text.Json context instead of reflection-based metadata, 0.95x (perf-reports/ab-c2s-json.md; lower in 4 of 5 rounds)."

{
  echo "# C2S submit capacity through a node process"
  echo
  echo "- command: \`bench/run-c2s.sh\` (after \`make build\` and \`make bench-deps\`; C2S_SECONDS=$seconds C2S_CONCURRENCY=$concurrency C2S_ROUNDS=$rounds C2S_BATCH=$batch C2S_BATCH_CONCURRENCY=$batch_concurrency)"
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- engine transports hosts bench || echo ' (with uncommitted changes)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r), .NET $(dotnet --version), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- load average before / after: $load_before / $load_after (other work shares this machine; figures drift between runs)"
  echo
  echo "Durable 1 KiB submissions with $concurrency concurrent submitters, $seconds s measured after a warm-up (3 s for the"
  echo "wrk runs, 2 s for the bare store), the five alternated $rounds times, medians reported. Each server runs in its own"
  echo "process; its CPU time over the measured seconds, from \`/proc/<pid>/stat\`, divided by the requests answered:"
  echo
  echo "- **bare store** (baseline): \`Tern.Load transit-submit\` — TransitStore.SubmitAsync from $concurrency tasks in its own"
  echo "  process, group commit, default store options (the submitters' CPU is in the figure: a few µs of task and stream)."
  echo "- **node**: \`Tern.Load c2s-submit\` writes a data directory (keys, \`appsettings.json\`: listeners on loopback port 0,"
  echo "  plain-text fetch doors, DNS off, a static peers file, the pending table at its small sizes, the first retransmission"
  echo "  after an hour so each message is notified once within the run; \`users.json\` with one user) and starts"
  echo "  \`tern run --data-dir\` on it as a child process; wrk (one thread, $concurrency connections, \`bench/c2s-post.lua\`)"
  echo "  posts \`POST /v1/messages?to=<hash>@b.example\` with the user's bearer token and a 1 KiB body; each answer comes"
  echo "  after the group commit; each message is scheduled for a notification to b.example, a UDP port of the load tool that"
  echo "  is never read. The node is stopped with SIGTERM after each run."
  echo "- **node, batch**: the same node, wrk posting \`POST /v1/messages/batch\` (\`bench/c2s-batch.lua\`): $batch messages of 1 KiB"
  echo "  a request (JSON, bodies in base64, no idempotency keys) over $batch_concurrency connections, so $((batch * batch_concurrency)) messages are in"
  echo "  flight as the bare store has $concurrency submitters; a response not saying \`\"failed\":0\` counts as refused. CPU per"
  echo "  message is the node's CPU over the messages stored."
  echo "- **node, batch in MessagePack**: the same batches as \`application/msgpack\` (\`bench/c2s-batch.lua\` with \`C2S_ENCODING=msgpack\`, encoded"
  echo "  once by the script): each body \`bin\`, its bytes as they are, instead of base64 in JSON, and \`Accept: application/msgpack\`"
  echo "  so the answer is MessagePack too (docs/CLIENT-API.md, \"Batch submit\"): what a client that wants throughput sends. A"
  echo "  response whose \`failed\` is not 0 counts as refused."
  echo "- **HTTP floor**: \`Tern.Load http-floor\` — the same wrk requests against a Kestrel minimal-API route in its own"
  echo "  process (\`http-floor-serve\`) that reads the body and answers 201 with a small JSON document, storing nothing."
  echo
  echo "Every process has DOTNET_TieredCompilation=0 (fully optimized code from the start; runs of seconds otherwise"
  echo "measure the JIT's tiers). wrk runs on the same 2 cores as the server, so submits/s is what this machine gave"
  echo "with the client beside the server, and the server's CPU per submit is the measure of capacity."
  echo
  echo "| round | bare store: CPU per submit (/s) | node, single: CPU per submit (/s) | node, batch (JSON): CPU per message (messages/s) | node, batch (MessagePack): CPU per message (messages/s) | HTTP floor: CPU per request (/s) | capacity single / bare (CPU ratio) | capacity batch JSON / bare | capacity batch MessagePack / bare | single /s / bare /s | batch JSON messages/s / bare /s | batch MessagePack messages/s / bare /s | floor CPU / single CPU | wrk's CPU per message, single / JSON / MessagePack |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Medians: CPU per message bare store $m_bare_cpu µs, node single $m_node_cpu µs, node batch JSON $m_many_cpu µs, MessagePack $m_packed_cpu µs, HTTP floor $m_floor_cpu µs;"
  echo "messages/s bare store $(median "${bare[@]}"), node single $(median "${node[@]}"), node batch JSON $(median "${many[@]}"), MessagePack $(median "${packed[@]}"), HTTP floor $(median "${floor[@]}")."
  echo "The load generator's own CPU (wrk, from bash's \`times\`) per message: single $(median "${node_client[@]}") µs, batch JSON $(median "${many_client[@]}") µs, MessagePack $(median "${packed_client[@]}") µs."
  echo "The node's resident memory (VmRSS): idle $(median "${idle[@]}") MB (started, 1 s after ready), under load $(median "${loaded[@]}") MB at the end of the measured run, peak (VmHWM) $(median "${peak[@]}") MB."
  echo
  echo "**Capacity through the batch route in MessagePack, node / bare store (bare CPU per submit ÷ node CPU per message): $m_packed_ratio** (target ≥ 0.8)."
  echo "**Capacity through the batch route in JSON: $m_many_ratio**."
  echo "**Capacity through the single submit, one request a message: $m_single_ratio**."
  echo "Throughput node / bare store as measured (each with its client on the same cores): single $(median "${rate_ratios[@]}"), batch JSON $(median "${many_rate_ratios[@]}"), MessagePack $(median "${packed_rate_ratios[@]}")."
  echo
  echo "## Reading"
  echo
  echo "- What the ratio measures: the CPU the node's process spends per message stored durably (and notified) against the"
  echo "  CPU the transit store alone spends per submit, each in its own process under as many messages in flight. $verdict"
  echo "- The HTTP exchange alone (Kestrel and the kernel's TCP on loopback, no storage) costs $m_floor_cpu µs a request,"
  echo "  against the bare store's whole submit at $m_bare_cpu µs. A single submit is at least both: its ratio cannot exceed"
  echo "  bare ÷ (bare + floor) = $bound on this machine whatever Tern does, so the 0.8 target cannot be met by a"
  echo "  store behind HTTP/1.1 with a request per message. What is Tern's is the rest: single − bare − floor = $tern_share µs"
  echo "  (the bearer check, the route's validation and binding, the store's streaming from the request body instead of a"
  echo "  buffer, the notification scheduled, sealed and sent, the answer's JSON, the problem-details middleware)."
  echo "- The batch route pays the exchange once per $batch messages (floor ÷ $batch = $batch_floor µs a message; bound"
  echo "  bare ÷ (bare + floor ÷ $batch) = $batch_bound). What remains, batch − bare = $batch_share µs a message in JSON and"
  echo "  $packed_share µs in MessagePack, is the node's own work per message: the batch's decoding (base64 in JSON: the"
  echo "  difference between the two, $json_extra µs a message, is what JSON and base64 cost both ways over MessagePack's bin),"
  echo "  validation, the answer, the notification scheduled, sealed and sent (the bare store sends none), and the node's"
  echo "  other threads in the same process (perf-reports/profile-c2s-batch.md, the MessagePack profiles of 2026-12-07: the"
  echo "  store's batched submit, its commit and its writes are most of the samples; the batch's decoding about 8 % (13 % in"
  echo "  JSON), the answer built and encoded about 10 %, the checks about 3 %, the notification loop about 4 %)."
  echo "- The commit path: a durable submit waits for one group commit, in which the journal and the message's bucket log"
  echo "  commit in parallel, each an fsync of the pages written and then a write-through of its commit slot: two disk"
  echo "  syncs in sequence. A submit with an Idempotency-Key waits for a third, the submission log's fsync, which is group"
  echo "  committed too. Concurrent submits share each commit (the bare store's RESULT line: $bare_per_commit submits a commit"
  echo "  at $concurrency submitters), and a batch's messages are submitted at once, so a batch waits for about one commit."
  echo "- Kept, each by an A/B of the node's CPU per submit (bench/ab-c2s.sh, alternated, medians): the bearer check looks"
  echo "  whether users.json changed at most once a second instead of a stat and a FileInfo per request, 0.94x"
  echo "  (perf-reports/ab-c2s-auth.md); the idempotency fingerprint only for keyed submits and the expiry's bounds only for"
  echo "  a problem, 0.85x (perf-reports/ab-c2s-alloc.md, kept as work removed, the spread larger than the gain);"
  echo "  $json_verdict"
  echo "  Through the batch route (perf-reports/ab-c2s-batch2.md, batches of 64 in MessagePack): records over a peer's datagram"
  echo "  budget put off once, to their turn, instead of coming back at every wake-up of the notification loop, 0.92x; a"
  echo "  batch's ids and capabilities drawn from the CSPRNG in one call instead of a call into OpenSSL for each, 0.81x"
  echo "  (measured with delivery ids hashed by libsodium, which alone measured 0.995x and was not kept); together 0.75x"
  echo "  against main in five alternated rounds."
  echo "- Looked at and not kept: the node without concurrent GC (perf-reports/ab-c2s-gc.md) and with server GC"
  echo "  (perf-reports/ab-c2s-servergc.md), each no cheaper per batch message; a larger gen0 budget (DOTNET_GCgen0size=64 MiB)"
  echo "  was dearer in the rounds that completed. The token's SHA-256 and the delivery ids' SHA-256 are each about 1-2 %"
  echo "  of the samples or less; a batch's answer built and encoded is about 10 % (profile-c2s-batch.md), the next to cut."
  echo "- perf-reports/profile-c2s.md and profile-c2s-batch.md (bench/profile-c2s.sh, C2S_BATCH=64 for the latter) are the"
  echo "  profiles of the node under these loads; perf-reports/ab-c2s-*.md the A/B of each change."
} > "$report"
echo "wrote $report"
summary_row "C2S submit capacity, 1 KiB, one request a message (CPU a message: bare store ÷ node)" "$m_node_cpu µs" "bare transit store $m_bare_cpu µs" "$(median "${cpu_ratios[@]}")" "≥ 0.8 (cannot pass $bound behind HTTP/1.1)"
summary_row "C2S submit capacity, 1 KiB, batches of $batch in JSON (CPU a message: bare store ÷ node)" "$m_many_cpu µs" "bare transit store $m_bare_cpu µs" "$m_many_ratio" "≥ 0.8"
summary_row "C2S submit capacity, 1 KiB, batches of $batch in MessagePack (CPU a message: bare store ÷ node)" "$m_packed_cpu µs" "bare transit store $m_bare_cpu µs" "$m_packed_ratio" "≥ 0.8"
summary_write
