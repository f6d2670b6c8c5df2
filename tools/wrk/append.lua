-- wrk script: durable appends of ~1 KiB penalty records, each with its own decision number
-- (the service refuses a decision number recorded twice). The body template comes from
-- CARELEDGER_BODY (a file with @N@ where the number goes); the token from CARELEDGER_TOKEN.
local counter = 0
local threads = {}
-- CARELEDGER_THREAD_BASE: numbers threads from base + 1, so a second run against the same
-- server (tools/bench-appends-ab.sh's warm-up) uses decision numbers and IDs of its own.
local threadBase = tonumber(os.getenv("CARELEDGER_THREAD_BASE") or "0")

function setup(thread)
  thread:set("tid", threadBase + #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("CARELEDGER_BODY"), "r"))
  template = f:read("*a")
  f:close()
  people = string.find(template, "@ID@", 1, true) ~= nil
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("CARELEDGER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
end

-- A resident ID number (GB 11643, with its check character) of its own for request n of
-- thread t (LuaJIT: no integer division): 1960-1999 birth dates and sequence numbers, unique up to 5,000,000 per thread.
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
function residentID(t, n)
  local r = (t - 1) * 5000000 + n
  local sequence = r % 1000; r = math.floor(r / 1000)
  local day = r % 28 + 1; r = math.floor(r / 28)
  local month = r % 12 + 1; r = math.floor(r / 12)
  local first17 = string.format("330327%04d%02d%02d%03d", 1960 + r % 40, month, day, sequence)
  local sum = 0
  for i = 1, 17 do sum = sum + tonumber(first17:sub(i, i)) * weights[i] end
  local m = sum % 11 + 1
  return first17 .. checks:sub(m, m)
end

function request()
  counter = counter + 1
  local body = string.gsub(template, "@N@", tid .. "-" .. counter)
  if people then body = string.gsub(body, "@ID@", residentID(tid, counter)) end
  return wrk.format("POST", "/v1/records", headers, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = (errors or 0) + 1
    if (errors or 0) < 5 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
