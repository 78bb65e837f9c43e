-- wrk script: replays the requests that benchmarks/driver.py wrote, and tells which status each got.
--
--   wrk -t C -c C -d 5s -s benchmarks/requests.lua URL -- PLAN SEED
--
-- PLAN is a file of lines "name<TAB>weight<TAB>expected status<TAB>file of the raw HTTP request".
-- Every thread draws its requests from the plan by weight (a seeded schedule, so a run can be
-- repeated). With one connection per thread (-t = -c), each answer is the answer to the thread's
-- last request, so the statuses are counted per request; with a single request in the plan the
-- answers are not parsed at all, and only wrk's own counts (status > 399 as errors) are kept.
-- done() prints one line, "wrk-json: {...}", that driver.py reads.

local threads = {}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

local plan = {}
local schedule = {}
local position = 0
local last = nil

local function read_plan(path)
   for line in io.lines(path) do
      local name, weight, expected, file = line:match("^(.-)\t(.-)\t(.-)\t(.-)$")
      local handle = assert(io.open(file, "rb"))
      plan[#plan + 1] = { name = name, weight = tonumber(weight), expected = tonumber(expected), raw = handle:read("*a") }
      handle:close()
   end
end

function init(args)
   read_plan(args[1])
   math.randomseed(tonumber(args[2] or "0") * 1000003 + id)
   local total = 0
   for _, item in ipairs(plan) do total = total + item.weight end
   for i = 1, 4096 do
      local pick, at = math.random() * total, 1
      while pick > plan[at].weight and at < #plan do
         pick = pick - plan[at].weight
         at = at + 1
      end
      schedule[i] = plan[at]
   end
   sent, statuses = {}, {}
   if #plan == 1 then response = nil end
end

function request()
   position = position % #schedule + 1
   last = schedule[position]
   sent[last.name] = (sent[last.name] or 0) + 1
   return last.raw
end

function response(status, headers, body)
   local key = last.name .. "\t" .. status
   statuses[key] = (statuses[key] or 0) + 1
end

local function quoted(text)
   return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local function object(counts)
   local parts = {}
   for key, count in pairs(counts) do parts[#parts + 1] = quoted(key) .. ":" .. count end
   return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
   local sent_all, statuses_all = {}, {}
   for _, thread in ipairs(threads) do
      for key, count in pairs(thread:get("sent") or {}) do sent_all[key] = (sent_all[key] or 0) + count end
      for key, count in pairs(thread:get("statuses") or {}) do statuses_all[key] = (statuses_all[key] or 0) + count end
   end
   local percentiles = {}
   for _, q in ipairs({ 50, 90, 99 }) do
      percentiles[#percentiles + 1] = string.format('"p%d":%d', q, latency:percentile(q))
   end
   local errors = summary.errors
   io.write(string.format(
      'wrk-json: {"duration_us":%d,"requests":%d,"bytes":%d,"latency_us":{%s,"max":%d,"mean":%.1f},'
         .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"sent":%s,"statuses":%s}\n',
      summary.duration, summary.requests, summary.bytes, table.concat(percentiles, ","), latency.max, latency.mean,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout, object(sent_all), object(statuses_all)
   ))
end
