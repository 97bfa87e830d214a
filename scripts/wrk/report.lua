-- Shared by the wrk scripts of scripts/bench-http.sh: prints one machine-readable line at the end of a run,
--   WRK_JSON {"requests":..,"seconds":..,"rps":..,"p50_us":..,"p90_us":..,"p99_us":..,"max_us":..,"errors":..,"non_2xx":..,"bytes":..}
-- (latencies in microseconds, from wrk's own latency histogram).
function report_done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"mean_us":%.1f,"errors":%d,"non_2xx":%d,"bytes":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status, summary.bytes))
end

-- Reads one value per line from a file.
function read_lines(path)
  local values = {}
  local file = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in file:lines() do
    if #line > 0 then values[#values + 1] = line end
  end
  file:close()
  assert(#values > 0, path .. " is empty")
  return values
end
