#!/usr/bin/env bash
# Load test of people's login on a running Ferry (bin/ferry serve, SQLite storage, the password
# database): what the grants that need storage cost, next to token exchange (bench/load.sh), which
# needs none.
#
#   bench/login.sh                      # 10 s warm-up, then 20 s per measurement at 16 connections
#   DURATION=30 CONNECTIONS=64 bench/login.sh
#
# Measures, in order:
#   1. password grant (bcrypt cost 10 on every request, refresh token issued): wrk
#   2. refresh_token grant with reuseInterval 1h (the token is looked up and its row updated on
#      every request, the local connector re-reads the user; no rotation so wrk can repeat it): wrk
#   3. the whole browser login, one at a time (GET /auth, its redirects, POST the password form,
#      then POST /token with the code and PKCE verifier): median and p95 over LOGINS (200) logins,
#      by a Python client (bench/login_flow.py)
# Output: target/bench/login/ (ferry.log, wrk-*.txt, flow.txt).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bin/find-jdk
ferry_find_jdk

duration="${DURATION:-20}"
warmup="${WARMUP:-10}"
connections="${CONNECTIONS:-16}"
logins="${LOGINS:-200}"
wrk_bin="${WRK:-/usr/bin/wrk}"
port="${PORT:-5756}"
out="target/bench/login"
rm -rf "$out"
mkdir -p "$out"

cat >"$out/config.yaml" <<YAML
issuer: http://127.0.0.1:$port/dex
storage:
  type: sqlite3
  config:
    file: $root/$out/ferry.db
web:
  http: 127.0.0.1:$port
logger:
  level: warn
oauth2:
  skipApprovalScreen: true
  passwordConnector: local
  grantTypes: [authorization_code, refresh_token, password]
expiry:
  refreshTokens:
    reuseInterval: 1h
enablePasswordDB: true
staticPasswords:
  - email: admin@example.com
    # bcrypt (cost 10) of "password", Dex's example
    hash: "\$2a\$10\$2b2cU8CPhOTaGrs1HRQuAueS7JTT5ZHsHSzYiFPm1leZck7Mc8T4W"
    username: admin
    userID: 08a8684b-db88-4b73-90a9-3cd1661f5466
staticClients:
  - id: app
    name: App
    secret: app-secret
    redirectURIs: [http://127.0.0.1:5555/callback]
YAML

bin/ferry serve "$out/config.yaml" >"$out/ferry.log" 2>&1 &
ferry_pid=$!
trap 'kill $ferry_pid 2>/dev/null || true; wait $ferry_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -fs "http://127.0.0.1:$port/dex/.well-known/openid-configuration" >/dev/null && break
  kill -0 "$ferry_pid" 2>/dev/null || { echo "login.sh: Ferry exited; see $out/ferry.log" >&2; exit 1; }
  sleep 0.5
done
token_url="http://127.0.0.1:$port/dex/token"
echo "login.sh: $token_url (nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"

password_form="grant_type=password&username=admin%40example.com&password=password&scope=openid+email+offline_access"
run() { # form connections seconds
  FORM="$1" "$wrk_bin" -t2 -c"$2" -d"$3s" --timeout 10s --latency -s bench/form.lua "$token_url"
}
# Each password grant with offline_access replaces the user's refresh token for the client (one
# per user, connector and client, as in Dex), so the refresh token is taken after the password runs.
if (( warmup > 0 )); then
  echo "login.sh: warm-up ${warmup} s (not reported)"
  run "$password_form" 16 "$warmup" >"$out/wrk-warmup.txt"
fi
for c in $connections; do
  echo "login.sh: password grant, ${duration} s at $c connections"
  run "$password_form" "$c" "$duration" >"$out/wrk-password-$c.txt"
  grep '^RESULT' "$out/wrk-password-$c.txt"
done
refresh_token=$(curl -fs -u app:app-secret "$token_url" --data "$password_form" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["refresh_token"])')
refresh_form="grant_type=refresh_token&refresh_token=$refresh_token"
if (( warmup > 0 )); then
  run "$refresh_form" 16 "$warmup" >>"$out/wrk-warmup.txt"
fi
for c in $connections; do
  echo "login.sh: refresh_token grant, ${duration} s at $c connections"
  run "$refresh_form" "$c" "$duration" >"$out/wrk-refresh-$c.txt"
  grep '^RESULT' "$out/wrk-refresh-$c.txt"
done
echo "login.sh: $logins browser logins, one at a time"
python3 bench/login_flow.py "http://127.0.0.1:$port/dex" "$logins" | tee "$out/flow.txt"
