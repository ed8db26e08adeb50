-- wrk script for bench/serve/run.sh: which requests a run sends (MIX) and a count of the answers
-- by status code, printed with the latency percentiles when the run ends.
--   healthz   GET /healthz: the server's floor, no check
--   cached    the same check every time: one real check, then answers from the result cache
--   uncached  every request a check with options no earlier request had (batch and seq-len
--             counted up per thread), so none is answered from the cache
local mix = os.getenv("MIX") or "cached"
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  statuses = {}
end

function request()
  if mix == "healthz" then
    return wrk.format("GET", "/healthz")
  elseif mix == "cached" then
    return wrk.format("GET", "/api/v1/check?path=gpt2")
  end
  counter = counter + 1
  local n = tid * 10000000 + counter
  local batch = n % 65536 + 1
  local seq = math.floor(n / 65536) % 1024 + 1
  return wrk.format("GET", "/api/v1/check?path=gpt2&batch=" .. batch .. "&seq-len=" .. seq)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      all[code] = (all[code] or 0) + n
    end
  end
  for code, n in pairs(all) do
    io.write(string.format("status %d %d\n", code, n))
  end
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("duration_us %d\n", summary.duration))
  io.write(string.format("socket_errors %d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("p50_us %d\n", latency:percentile(50)))
  io.write(string.format("p99_us %d\n", latency:percentile(99)))
end
