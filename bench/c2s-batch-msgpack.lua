-- wrk script of bench/run-c2s.sh's MessagePack batch rows: as bench/c2s-batch.lua, but the batch is MessagePack
-- (Content-Type and Accept application/msgpack, docs/CLIENT-API.md "Batch submit"): a map {messages: [{to: [C2S_TO],
-- body: bin}, ...]} of C2S_BATCH messages of C2S_SIZE bytes, each body raw bytes (bin), not base64. The body is encoded
-- once, here; a response that does not carry "failed": 0 (the key as a fixstr, then the positive fixint 0) counts as a
-- status error. done() prints the line bench/Tern.Load (C2sLoad) parses.
local size = tonumber(os.getenv("C2S_SIZE") or "1024")
local count = tonumber(os.getenv("C2S_BATCH") or "64")
local to = os.getenv("C2S_TO")

-- The MessagePack formats this body needs (https://github.com/msgpack/msgpack/blob/master/spec.md), by length.
local function be16(n) return string.char(math.floor(n / 256) % 256, n % 256) end
local function be32(n) return be16(math.floor(n / 65536)) .. be16(n % 65536) end
local function str(s)
  local n = #s
  if n < 32 then return string.char(0xa0 + n) .. s end
  if n < 256 then return string.char(0xd9, n) .. s end
  if n < 65536 then return string.char(0xda) .. be16(n) .. s end
  return string.char(0xdb) .. be32(n) .. s
end
local function bin(s)
  local n = #s
  if n < 256 then return string.char(0xc4, n) .. s end
  if n < 65536 then return string.char(0xc5) .. be16(n) .. s end
  return string.char(0xc6) .. be32(n) .. s
end
local function array(n)
  if n < 16 then return string.char(0x90 + n) end
  if n < 65536 then return string.char(0xdc) .. be16(n) end
  return string.char(0xdd) .. be32(n)
end
local function map(n) return string.char(0x80 + n) end -- at most 15 entries here

local one = map(2) .. str("to") .. array(1) .. str(to) .. str("body") .. bin(string.rep("t", size))
wrk.method = "POST"
wrk.body = map(1) .. str("messages") .. array(count) .. string.rep(one, count)
wrk.headers["Content-Type"] = "application/msgpack"
wrk.headers["Accept"] = "application/msgpack"
local token = os.getenv("C2S_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local none_failed = str("failed") .. string.char(0x00)
local refused = 0
function response(status, headers, body)
  if status ~= 200 or not string.find(body, none_failed, 1, true) then
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_us=%d status_errors=%d socket_errors=%d timeouts=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, summary.errors.status + refused,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
