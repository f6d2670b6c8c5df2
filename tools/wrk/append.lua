-- wrk script: durable appends of ~1 KiB penalty records, each with its own decision number
-- (the service refuses a decision number recorded twice). The body template comes from
-- CARELEDGER_BODY (a file with @N@ where the number goes); the token from CARELEDGER_TOKEN.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("CARELEDGER_BODY"), "r"))
  template = f:read("*a")
  f:close()
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("CARELEDGER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  counter = counter + 1
  local body = string.gsub(template, "@N@", tid .. "-" .. counter)
  return wrk.format("POST", "/v1/records", headers, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = (errors or 0) + 1
    if (errors or 0) < 5 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
