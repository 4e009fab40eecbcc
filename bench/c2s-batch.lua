-- wrk script of bench/run-c2s.sh's batch rows: each request a POST /v1/messages/batch of C2S_BATCH messages of C2S_SIZE
-- bytes (1024 by default) to C2S_TO, with the bearer token in C2S_TOKEN, in the encoding C2S_ENCODING names:
--   json (the default): the bodies in base64;
--   msgpack: Content-Type and Accept application/msgpack (docs/CLIENT-API.md "Batch submit"), a map {messages: [{to:
--   [C2S_TO], body: bin}, ...]}, each body its raw bytes.
-- The body is built once. A response that does not say that none failed ("failed":0 in JSON; in MessagePack the key as a
-- fixstr, then the positive fixint 0) counts as a status error, so a batch whose messages were refused one by one is not
-- counted as stored. done() prints the line bench/Tern.Load (C2sLoad) parses.
local size = tonumber(os.getenv("C2S_SIZE") or "1024")
local count = tonumber(os.getenv("C2S_BATCH") or "64")
local to = os.getenv("C2S_TO")
local encoding = os.getenv("C2S_ENCODING") or "json"

local function json_batch()
  -- base64 of `size` bytes of "t": "dHR0" per three, then the remainder's padded group.
  local tail = ({ [0] = "", [1] = "dA==", [2] = "dHQ=" })[size % 3]
  local encoded = string.rep("dHR0", math.floor(size / 3)) .. tail
  local one = '{"to":["' .. to .. '"],"body":"' .. encoded .. '"}'
  local messages = {}
  for i = 1, count do
    messages[i] = one
  end
  return '{"messages":[' .. table.concat(messages, ",") .. ']}', "application/json", '"failed":0'
end

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

local function msgpack_batch()
  local one = map(2) .. str("to") .. array(1) .. str(to) .. str("body") .. bin(string.rep("t", size))
  return map(1) .. str("messages") .. array(count) .. string.rep(one, count), "application/msgpack", str("failed") .. string.char(0x00)
end

local body, media, none_failed
if encoding == "msgpack" then
  body, media, none_failed = msgpack_batch()
elseif encoding == "json" then
  body, media, none_failed = json_batch()
else
  error("C2S_ENCODING must be json or msgpack, not " .. encoding)
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = media
wrk.headers["Accept"] = media
local token = os.getenv("C2S_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

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
