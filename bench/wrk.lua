-- wrk script for the HTTP benchmarks (bench/wrk.py sets the environment).
--   BENCH_TOKEN  sent as the bare `Authorization` header (both servers accept that form)
--   BENCH_BODY   when set, the request is a POST with this JSON body
-- done() prints one `BENCH {...}` JSON line that bench/wrk.py parses.

local token = os.getenv("BENCH_TOKEN")
local body = os.getenv("BENCH_BODY")

if token and token ~= "" then
  wrk.headers["Authorization"] = token
end
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,'
      .. '"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
