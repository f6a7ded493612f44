-- wrk script for bench/lookup.py: cycle through the request paths in a file, count answers.
-- usage: wrk ... -s bench/wrk_paths.lua URL -- PATHS_FILE [check]
-- With "check", a 200 answer whose JSON has an empty "matches" list (the service) or an empty
-- "zones" list (bench/bare_app.py) is counted as empty.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  check = args[2] == "check"
  i = math.random(#paths) - 1
  non200 = 0
  empty = 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif check and (string.find(body, '"matches":[]', 1, true) or string.find(body, '"zones":[]', 1, true)) then
    empty = empty + 1
  end
end

function done(summary, latency, requests)
  local bad, none = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    none = none + thread:get("empty")
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("ENROLL-WRK %d %d %d %d %d %.0f\n", summary.requests, summary.duration, bad, none,
                         errors, latency:percentile(99)))
end
