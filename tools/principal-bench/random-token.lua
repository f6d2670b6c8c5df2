-- wrk script: each request carries a token picked at random from tokens.txt (one a line),
-- so the principal table is probed across its whole size, not one hot entry.
local tokens = {}
for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do tokens[#tokens + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/v1/tasks", { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] })
end
