#!/usr/bin/env bash
# Load test of a running Ferry: starts LoadFixture (an in-process upstream issuer and Ferry, both on
# 127.0.0.1), drives POST /dex/token with wrk and bench/exchange.lua, then stops the fixture.
# Every wrk run is bounded in time; the fixture also stops by itself after all runs plus 2 minutes.
#
#   bench/load.sh                       # RS256, ACCP, 10 s warm-up, 20 s at 16 and 64 connections
#   DURATION=30 CONNECTIONS="16" bench/load.sh
#   SIGNER=ES256 bench/load.sh          # Ferry signs ES256 (the upstream token stays RS256)
#   JDK_CRYPTO=1 bench/load.sh          # do not install ACCP
#   HUNG_UPSTREAM=1 bench/load.sh       # beside a second connector whose upstream JWKS hangs, with
#                                       # HUNG_IN_FLIGHT (default 50) exchanges through it always
#                                       # in flight; what they got is in target/bench/load/hung.txt
#
# Output: target/bench/load/ (fixture.log: Ferry's log; wrk-<connections>.txt: each run).
# Set SKIP_BUILD=1 to reuse target/test-classes and target/bench/classpath.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bin/find-jdk
ferry_find_jdk

duration="${DURATION:-20}"
warmup="${WARMUP:-10}"
connections="${CONNECTIONS:-16 64}"
threads="${THREADS:-2}"
signer="${SIGNER:-RS256}"
wrk_bin="${WRK:-/usr/bin/wrk}"
out="target/bench/load"

mkdir -p target/bench
cp_file="target/bench/classpath.txt"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$cp_file" ]]; then
  echo "load.sh: compiling test classes and resolving the test classpath..." >&2
  ./mvnw -B -ntp -q test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
rm -rf "$out"
mkdir -p "$out"

runs=$(wc -w <<<"$connections")
max_seconds=$((warmup + runs * (duration + 5) + 120))
java_opts=()
if (( $(ferry_java_major "$JAVA_HOME/bin/java") >= 22 )); then
  java_opts+=(--enable-native-access=ALL-UNNAMED)
fi
fixture_args=("$out" --signer "$signer" --max-seconds "$max_seconds")
[[ "${JDK_CRYPTO:-0}" == 1 ]] && fixture_args+=(--jdk-crypto)
hung_in_flight=0
[[ "${HUNG_UPSTREAM:-0}" == 1 ]] && hung_in_flight="${HUNG_IN_FLIGHT:-50}"
(( hung_in_flight > 0 )) && fixture_args+=(--hung-upstream "$hung_in_flight")

"$JAVA_HOME/bin/java" "${java_opts[@]}" ${FERRY_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.ferry.bench.LoadFixture "${fixture_args[@]}" >"$out/fixture.log" 2>&1 &
fixture_pid=$!

stop_fixture() {
  if kill -0 "$fixture_pid" 2>/dev/null; then
    kill "$fixture_pid" 2>/dev/null || true
    wait "$fixture_pid" 2>/dev/null || true
  fi
}
trap stop_fixture EXIT

for _ in $(seq 1 120); do
  [[ -f "$out/fixture.env" ]] && break
  if ! kill -0 "$fixture_pid" 2>/dev/null; then
    echo "load.sh: the fixture exited before it was ready; see $out/fixture.log" >&2
    tail -20 "$out/fixture.log" >&2
    exit 1
  fi
  sleep 0.5
done
[[ -f "$out/fixture.env" ]] || { echo "load.sh: fixture not ready after 60 s" >&2; exit 1; }
# shellcheck disable=SC1091
source "$out/fixture.env"
export SUBJECT_TOKEN CONNECTOR_ID
case "$TOKEN_URL" in
  http://127.0.0.1:*) ;;
  *) echo "load.sh: refusing to load anything but 127.0.0.1: $TOKEN_URL" >&2; exit 1 ;;
esac

hung_note=""
(( hung_in_flight > 0 )) && hung_note=", $hung_in_flight exchanges in flight to a hung upstream"
echo "load.sh: $TOKEN_URL, signer $SIGNER, crypto $CRYPTO, wrk $threads threads$hung_note" \
  "(nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg))"
if (( warmup > 0 )); then
  echo "load.sh: warm-up, ${warmup} s at 16 connections (not reported)"
  "$wrk_bin" -t"$threads" -c16 -d"${warmup}s" --timeout 10s -s bench/exchange.lua "$TOKEN_URL" \
    >"$out/wrk-warmup.txt"
fi
# CPU seconds, to tell whether anything else ran during a measurement: the machine is shared.
tick=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
steal_ticks() { awk '/^cpu /{print $9}' /proc/stat; } # time the hypervisor gave to others
fixture_ticks() { awk '{print $14 + $15}' "/proc/$fixture_pid/stat"; }
seconds() { awk -v t="$1" -v k="$tick" 'BEGIN{printf "%.1f", t / k}'; }

for c in $connections; do
  echo "load.sh: ${duration} s at $c connections (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  busy0=$(busy_ticks)
  steal0=$(steal_ticks)
  fix0=$(fixture_ticks)
  TIMEFORMAT='%U %S'
  { time "$wrk_bin" -t"$threads" -c"$c" -d"${duration}s" --timeout 10s --latency \
    -s bench/exchange.lua "$TOKEN_URL" >"$out/wrk-$c.txt"; } 2>"$out/wrk-$c.time"
  busy=$(($(busy_ticks) - busy0))
  steal=$(($(steal_ticks) - steal0))
  fix=$(($(fixture_ticks) - fix0))
  wrk_ticks=$(awk -v k="$tick" '{printf "%d", ($1 + $2) * k}' "$out/wrk-$c.time")
  cat "$out/wrk-$c.txt"
  echo "CPU connections=$c busy_s=$(seconds "$busy") ferry_s=$(seconds "$fix")" \
    "wrk_s=$(seconds "$wrk_ticks") other_s=$(seconds $((busy - fix - wrk_ticks)))" \
    "steal_s=$(seconds "$steal") available_s=$((duration * $(nproc)))" | tee -a "$out/wrk-$c.txt"
done
echo "load.sh: summary (signer $SIGNER, crypto $CRYPTO$hung_note)"
for c in $connections; do
  echo "connections=$c $(grep '^RESULT' "$out/wrk-$c.txt" | cut -d' ' -f2-)"
  grep '^CPU' "$out/wrk-$c.txt"
done
if (( hung_in_flight > 0 )); then
  stop_fixture # the fixture writes hung.txt as it stops
  cat "$out/hung.txt" 2>/dev/null || echo "load.sh: no $out/hung.txt; see $out/fixture.log" >&2
fi
