-- wrk script: background checks (POST /v1/checks) of random people from the loaded set.
-- CARELEDGER_PEOPLE: a file of "idType idNumber name" lines (tools/load-records writes one);
-- CARELEDGER_TOKEN: an institution principal's token.
local people = {}

function init(args)
  for line in io.lines(os.getenv("CARELEDGER_PEOPLE")) do
    local t, n, name = line:match("^(%S+) (%S+) (.+)$")
    if t then table.insert(people, {t, n, name}) end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("CARELEDGER_TOKEN"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  local p = people[math.random(#people)]
  local body = '{"person":{"idType":"' .. p[1] .. '","idNumber":"' .. p[2] .. '","name":"' .. p[3] ..
               '"},"purpose":"hiring","consentRef":"bench-consent"}'
  return wrk.format("POST", "/v1/checks", headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors < 5 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
