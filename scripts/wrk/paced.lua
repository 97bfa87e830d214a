-- Single-SKU GET /v1/availability like availability.lua, paced: each connection waits DELAY_MS before each
-- request, so a run holds a chosen share of the maximum load instead of saturating the server.
-- usage: wrk ... -s scripts/wrk/paced.lua http://127.0.0.1:PORT -- SKU_FILE DELAY_MS
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "report"

local skus, pause
function init(args)
  skus = read_lines(args[1])
  pause = tonumber(args[2] or "0")
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function delay()
  return pause
end

function request()
  return wrk.format("GET", "/v1/availability?sku=" .. skus[math.random(#skus)])
end

done = report_done
