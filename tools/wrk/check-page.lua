-- wrk script: the HR check page (POST /hr/check, a url-encoded form with the session cookie
-- and its CSRF token) for random people from the loaded set, as tools/wrk/check.lua posts
-- the JSON check. CARELEDGER_PEOPLE: "idType idNumber name" lines; CARELEDGER_COOKIE: the
-- session cookie (name=value); CARELEDGER_CSRF: the session's CSRF token.
local people = {}

local function escape(s)
  return (s:gsub("[^%w%-%._]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for line in io.lines(os.getenv("CARELEDGER_PEOPLE")) do
    local t, n, name = line:match("^(%S+) (%S+) (.+)$")
    if t then table.insert(people, {t, n, name}) end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  headers = {
    ["Cookie"] = os.getenv("CARELEDGER_COOKIE"),
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  csrf = os.getenv("CARELEDGER_CSRF")
end

function request()
  local p = people[math.random(#people)]
  local body = "csrf=" .. csrf .. "&idType=" .. p[1] .. "&idNumber=" .. p[2] .. "&name=" .. escape(p[3]) ..
               "&purpose=hiring&consentRef=bench-consent"
  return wrk.format("POST", "/hr/check", headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors < 5 then io.stderr:write("status " .. status .. "\n") end
  end
end
