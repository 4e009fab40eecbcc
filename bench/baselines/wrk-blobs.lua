-- wrk script for bench/run-fetch.sh: GET /v1/blobs/<capability>, cycling through the capabilities in $CAPS.
local paths = {}
for line in io.lines(os.getenv("CAPS")) do
  if #line > 0 then paths[#paths + 1] = "/v1/blobs/" .. line end
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
