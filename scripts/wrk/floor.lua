-- The HTTP floor: the same server's trivial route, with the same reporting as the other scripts.
-- usage: wrk ... -s scripts/wrk/floor.lua http://127.0.0.1:PORT/healthz [-- SKU_FILE]
--   With SKU_FILE (URL-encoded SKUs, one per line) each request is built in Lua like availability.lua's, as
--   GET /healthz?sku=<random SKU>: the client then spends on the floor what it spends on a single-SKU read (a Lua
--   call and a request built per request), so the ratio of the two measures what the server adds. Without it wrk
--   sends one pre-built request over and over, which costs the client less.
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "report"

function init(args)
  if not args[1] then return end
  local skus, path = read_lines(args[1]), wrk.path
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  -- wrk decides after `init` whether requests are dynamic: defining `request` here makes them so.
  request = function()
    return wrk.format("GET", path .. "?sku=" .. skus[math.random(#skus)])
  end
end

done = report_done
