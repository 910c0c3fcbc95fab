-- wrk: POST the real signed request, as sipgate sends it.
local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local fixtures = os.getenv("FIXTURES")
wrk.method = "POST"
wrk.body = slurp(fixtures .. "/signed-newcall.body")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
wrk.headers["X-Sipgate-Signature"] = slurp(fixtures .. "/signed-newcall.sig"):gsub("%s+$", "")
