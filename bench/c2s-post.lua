-- wrk script of bench/run-c2s.sh: each request a POST of C2S_SIZE bytes (1024 by default) with the bearer token in
-- C2S_TOKEN, if any. done() prints one line for bench/Tern.Load (C2sLoad) to parse; nothing runs per response, so the
-- client spends as little CPU as wrk can.
wrk.method = "POST"
wrk.body = string.rep("t", tonumber(os.getenv("C2S_SIZE") or "1024"))
wrk.headers["Content-Type"] = "application/octet-stream"
local token = os.getenv("C2S_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_us=%d status_errors=%d socket_errors=%d timeouts=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
