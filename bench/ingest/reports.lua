-- wrk script: POST varied, realistic misprint reports to /api/v1/reports.
--
-- Reports fall on 300 popular pages (skewed: a few pages draw most reports) and,
-- one time in ten, on one of 100,000 rarely read ones, so new groups keep opening.
-- Each page hides eight misprints; most readers select the misprint itself, some
-- select it with the next or the previous word (these join the group through the
-- overlap check, not the fingerprint). About 3% of requests are retries of the
-- thread's previous report with the same client_id (idempotency path). Each report
-- names a reader in X-Forwarded-For (one of 2^24 addresses, the retry's the same), which
-- the server reads only when 127.0.0.1 is a trusted proxy (the processes benchmark).

local text = table.concat({
  "The city council agreed on Tuesday to extend the tram line across the river, ",
  "ending a debate that has lasted for most of the decade. The intergration of the ",
  "two networks will cost more than expected, according to the the transport office, ",
  "because the old bridge needs new foundations before it can carry the extra weight. ",
  "Engineers recieved the final survey in the spring and said the work was absolutly ",
  "necessary. Residents of the embankment, who have complained for years about noise, ",
  "asked for a goverment guarantee that trams would not run after midnight. The mayor ",
  "promised a public hearing in Novmber and said the line would open in two years if ",
  "the contractors keep to the timetable and the wether allows work through the winter. ",
  "Shop owners said they welcome the tram but fear the construction will keep customers ",
  "away for months, and asked the council for a temporary cut in local taxes.",
})
local misprints = {"intergration", "the the", "recieved", "absolutly", "goverment",
  "Novmber", "contractors keep", "wether"}
local spans = {}
for i, word in ipairs(misprints) do
  local s = string.find(text, word, 1, true)
  spans[i] = {s, s + #word - 1}
end

local function word_after(e)
  local _, stop = string.find(text, "^ %S+", e + 1)
  return stop or e
end

local function word_before(s)
  local start = s - 2 -- the last letter of the previous word
  while start > 1 and string.sub(text, start - 1, start - 1) ~= " " do start = start - 1 end
  return start
end

local function json_string(value)
  return '"' .. value:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local headers = {
  ["Content-Type"] = "text/plain;charset=UTF-8",
  ["Origin"] = "https://news.example",
}
local comments = {"", "", "", "", "Please fix", "Typo in the second paragraph", "",
  "Should be spelled differently, see the dictionary"}
local last_body = nil
local last_reader = nil

function setup(thread)
  thread:set("seed", math.random(1, 2 ^ 30))
end

-- The first argument after "--" seeds the thread: two wrk started in the same second
-- would otherwise send the same reports (the same client_ids: retries, not reports).
function init(args)
  math.randomseed((seed or os.time()) + os.time() + (tonumber(args[1]) or 0))
end

local function client_id()
  return string.format("%08x%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff),
    math.random(0, 0x7fffffff))
end

local function report_body()
  local page
  if math.random() < 0.1 then
    page = 1000 + math.random(1, 100000)
  else
    page = 1 + math.floor(300 * math.random() ^ 3)
  end
  local span = spans[math.random(1, #spans)]
  local s, e = span[1], span[2]
  local variant = math.random()
  if variant < 0.1 then
    e = word_after(e)
  elseif variant < 0.2 then
    s = word_before(s)
  end
  local exact = string.sub(text, s, e)
  local prefix = string.sub(text, math.max(1, s - 32), s - 1)
  local suffix = string.sub(text, e + 1, e + 32)
  local comment = comments[math.random(1, #comments)]
  local suggestion = ""
  if math.random() < 0.3 then suggestion = exact:gsub("ie", "ei") end
  return table.concat({
    '{"site":"bench-site",',
    '"url":"https://news.example/2024/10/', string.format("%02d", page % 28 + 1),
    '/story-', page, '?utm_source=bench",',
    '"title":"Council extends the tram line across the river, story ', page, '",',
    '"lang":"en","author":"Bench Reporter",',
    '"quote":{"exact":', json_string(exact), ',"prefix":', json_string(prefix),
    ',"suffix":', json_string(suffix), '},',
    '"position":{"start":', s - 1, ',"end":', e, '},',
    '"comment":', json_string(comment), ',"suggestion":', json_string(suggestion), ',',
    '"client_id":"', client_id(), '","widget_version":"1"}',
  })
end

function request()
  local body
  if last_body ~= nil and math.random() < 0.03 then
    body = last_body
  else
    body = report_body()
    last_body = body
    last_reader = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
      math.random(0, 255))
  end
  headers["X-Forwarded-For"] = last_reader
  return wrk.format("POST", "/api/v1/reports", headers, body)
end

function done(summary, latency, _requests)
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"status_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
