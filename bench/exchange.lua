-- wrk script for bench/load.sh: POSTs the RFC 8693 token exchange of the guide "Machine
-- Authentication to Dex" (client my-app/my-secret with HTTP Basic, an upstream ID token as
-- subject_token) and counts every response that is not 2xx, per thread, reported in done().
-- Reads SUBJECT_TOKEN and CONNECTOR_ID from the environment (bench/load.sh sets them).

local subject_token = os.getenv("SUBJECT_TOKEN")
local connector_id = os.getenv("CONNECTOR_ID") or "github-actions"
if subject_token == nil or subject_token == "" then
  error("SUBJECT_TOKEN is not set")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
-- base64("my-app:my-secret")
wrk.headers["Authorization"] = "Basic bXktYXBwOm15LXNlY3JldA=="
-- The token is base64url and dots, safe in a form value as it is.
wrk.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
  .. "&connector_id=" .. connector_id
  .. "&scope=openid+groups+federated%3Aid"
  .. "&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
  .. "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token"
  .. "&subject_token=" .. subject_token

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  non2xx = 0
  first_bad = ""
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local total, bad, sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("responses")
    bad = bad + thread:get("non2xx")
    local first = thread:get("first_bad")
    if sample == "" and first ~= nil then
      sample = first
    end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f"
      .. " responses=%d non2xx=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    total, bad, e.connect + e.read + e.write, e.timeout))
  if sample ~= "" then
    io.write("first non-2xx: " .. sample .. "\n")
  end
end
