-- wrk script for bench/login.sh: POSTs one fixed form to /token with HTTP Basic for the client
-- app/app-secret and counts every response that is not 2xx, reported in done(). The form comes
-- from the environment (FORM, already url-encoded), so one script serves every grant measured.

local form = os.getenv("FORM")
if form == nil or form == "" then
  error("FORM is not set")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
-- base64("app:app-secret")
wrk.headers["Authorization"] = "Basic YXBwOmFwcC1zZWNyZXQ="
wrk.body = form

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
