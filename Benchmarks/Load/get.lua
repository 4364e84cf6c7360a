-- wrk script: GET existing descriptions by id, picked at random among LOAD_COUNT per thread of fill run LOAD_PREFIX
-- with LOAD_THREADS threads (ids urn:bench:<prefix>:<thread>:<n>; n from 2: wrk calls request() once before the run).
local count = tonumber(os.getenv("LOAD_COUNT") or "1")
local threads = tonumber(os.getenv("LOAD_THREADS") or "1")
local prefix = os.getenv("LOAD_PREFIX") or "fill"
math.randomseed(42)

function request()
  local id = "urn:bench:" .. prefix .. ":" .. math.random(0, threads - 1) .. ":" .. math.random(2, count)
  return wrk.format("GET", "/things/" .. id)
end

function response(status, headers, body)
  if status ~= 200 then io.stderr:write("unexpected status " .. status .. "\n") end
end
