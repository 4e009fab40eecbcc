-- wrk script of bench/run-c2s.sh's batch rows: each request a POST /v1/messages/batch of C2S_BATCH messages of C2S_SIZE
-- bytes (1024 by default) to C2S_TO, JSON with the bodies in base64, with the bearer token in C2S_TOKEN. The body is built
-- once; a response that does not say "failed":0 counts as a status error, so a batch whose messages were refused one by
-- one is not counted as stored. done() prints the line bench/Tern.Load (C2sLoad) parses.
local size = tonumber(os.getenv("C2S_SIZE") or "1024")
local count = tonumber(os.getenv("C2S_BATCH") or "64")
local to = os.getenv("C2S_TO")
-- base64 of `size` bytes of "t": "dHR0" per three, then the remainder's padded group.
local tail = ({ [0] = "", [1] = "dA==", [2] = "dHQ=" })[size % 3]
local encoded = string.rep("dHR0", math.floor(size / 3)) .. tail
local one = '{"to":["' .. to .. '"],"body":"' .. encoded .. '"}'
local messages = {}
for i = 1, count do
  messages[i] = one
end

wrk.method = "POST"
wrk.body = '{"messages":[' .. table.concat(messages, ",") .. ']}'
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("C2S_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local refused = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"failed":0', 1, true) then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_us=%d status_errors=%d socket_errors=%d timeouts=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status + refused,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
