-- wrk script: PUT new Agent Descriptions with unique ids (urn:bench:<prefix>:<thread>:<n>), each with three
-- capabilities out of 100.
local counter = 0

local prefix = os.getenv("LOAD_PREFIX") or "run"
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local template = [[{"@context":["https://www.w3.org/2022/wot/td/v1.1",{"lmos":"https://eclipse.dev/lmos/protocol/v1"}],"@type":"lmos:Agent","id":"%s","title":"Agent %s","description":"A benchmark agent that answers questions about topic %d in several languages and keeps a short memory.","securityDefinitions":{"nosec_sc":{"scheme":"nosec"}},"security":"nosec_sc","lmos:metadata":{"lmos:vendor":{"lmos:name":"Bench Inc","lmos:url":"https://bench.example.com"}},"lmos:capabilities":[{"id":"urn:bench:cap:%d","name":"capability %d","description":"Handles requests of kind %d","examples":["Please do %d"]},{"id":"urn:bench:cap:%d","name":"capability %d","description":"Handles requests of kind %d","examples":["Please do %d"]},{"id":"urn:bench:cap:%d","name":"capability %d","description":"Handles requests of kind %d","examples":["Please do %d"]}],"actions":{"ask":{"input":{"type":"string"},"output":{"type":"string"},"forms":[{"href":"https://bench.example.com/agents/%s/ask","contentType":"application/json"}]}},"registration":{"ttl":86400}}]]

function request()
  counter = counter + 1
  local name = prefix .. ":" .. (thread_id or 0) .. ":" .. counter
  local id = "urn:bench:" .. name
  local a = counter % 100
  local b = (a + 1 + (counter * 7) % 49) % 100
  local c = (a + 50 + (counter * 13) % 49) % 100
  local body = string.format(template, id, name, a, a, a, a, a, b, b, b, b, c, c, c, c, name)
  -- wrk.format uses the table given instead of wrk.headers: copy the command line's -H headers (Authorization).
  local headers = {["Content-Type"] = "application/td+json"}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  return wrk.format("PUT", "/things/" .. id, headers, body)
end

function response(status, headers, body)
  if status ~= 201 and status ~= 204 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
