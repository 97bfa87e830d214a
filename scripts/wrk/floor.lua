-- The HTTP floor: the same server's trivial route, with the same reporting as the other scripts.
-- usage: wrk ... -s scripts/wrk/floor.lua http://127.0.0.1:PORT/healthz
package.path = debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua;" .. package.path
require "report"
done = report_done
