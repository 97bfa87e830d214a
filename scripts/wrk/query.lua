-- POST /v1/availability/query with N SKUs drawn at random per request (JSON body), scoped to one warehouse.
-- usage: wrk ... -s scripts/wrk/query.lua http://127.0.0.1:PORT -- SKU_FILE N WAREHOUSE
--   SKU_FILE holds one JSON string literal per line (quoted, escaped).
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "report"

local skus, count, warehouse
function init(args)
  skus = read_lines(args[1])
  count = tonumber(args[2] or "100")
  warehouse = args[3] or "WH"
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local picked = {}
  for i = 1, count do picked[i] = skus[math.random(#skus)] end
  local body = '{"sku":[' .. table.concat(picked, ",") .. '],"warehouse":["' .. warehouse .. '"]}'
  return wrk.format("POST", "/v1/availability/query", {["Content-Type"] = "application/json"}, body)
end

done = report_done
