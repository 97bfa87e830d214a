-- Single-SKU GET /v1/availability with a SKU drawn at random per request from a file of URL-encoded SKUs.
-- usage: wrk ... -s scripts/wrk/availability.lua http://127.0.0.1:PORT -- SKU_FILE [EXTRA_QUERY]
--   EXTRA_QUERY, e.g. "&warehouse=WH", is appended to every request.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "report"

local skus, extra
function init(args)
  skus = read_lines(args[1])
  extra = args[2] or ""
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  return wrk.format("GET", "/v1/availability?sku=" .. skus[math.random(#skus)] .. extra)
end

done = report_done
