#!/usr/bin/env bash
# Wall time of `ferry token` with a warm cache, as kubectl pays it on every command (issue 11).
#
#   bench/token-startup.sh            # 20 timed runs of each variant, medians in milliseconds
#   RUNS=50 bench/token-startup.sh
#
# Sets the warm cache up for real: signs a platform token (RS256, a key made here) for an issuer
# whose keys Ferry is given as a JWKS file, starts `bin/ferry serve` with that connector, runs one
# `ferry token --from file:...` that exchanges it and fills the cache, then stops Ferry: every
# timed run must be answered from the cache (it fails otherwise) and print the same
# ExecCredential. Variants, interleaved run by run so that other load on the machine hits them
# alike:
#   jvm-floor      java -version (the JVM alone, the JDK's own CDS archive)
#   plain          java -jar target/ferry.jar token ..., the JDK's default options (no launcher)
#   launcher-old   bin/ferry as it was before issue 11 (from git, if this is a git checkout)
#   no-archive     bin/ferry with FERRY_TOKEN_ARCHIVE=off: the short-run JVM options only
#   tuned          bin/ferry as users run it: the short-run options and its class archive
# Needs bash, openssl and curl. Prints the median, min and max of the wall time and of the CPU
# time (user + system); a run that fails stops the script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bin/find-jdk
ferry_find_jdk
runs="${RUNS:-20}"
java="$JAVA_HOME/bin/java"
major=$(ferry_java_major "$java")

work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

bin/ferry version >/dev/null # builds target/ferry.jar when it is missing or stale

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
hex2bin() { local hex; hex=$(cat); printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")"; }

# The platform: an RSA key, its JWKS (what `kubectl get --raw /openid/v1/jwks` gives Ferry), and a
# token it signed, as a projected service-account token would be.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/platform.pem" 2>/dev/null
n=$(openssl rsa -in "$work/platform.pem" -noout -modulus | cut -d= -f2 | hex2bin | b64url)
platform=https://platform.bench.invalid
printf '{"keys":[{"kty":"RSA","kid":"bench","use":"sig","alg":"RS256","n":"%s","e":"AQAB"}]}\n' \
  "$n" >"$work/jwks.json"
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT","kid":"bench"}' | b64url)
payload=$(printf '{"iss":"%s","sub":"system:serviceaccount:ci:bench","aud":["ferry"],"iat":%d,"nbf":%d,"exp":%d}' \
  "$platform" "$now" "$now" $((now + 3600)) | b64url)
signature=$(printf '%s.%s' "$header" "$payload" |
  openssl dgst -sha256 -sign "$work/platform.pem" -binary | b64url)
printf '%s.%s.%s' "$header" "$payload" "$signature" >"$work/platform.jwt"

# Ferry on a free loopback port, with that issuer's keys and a client for the exchange.
port=""
for candidate in $(shuf -i 20000-40000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[[ -n "$port" ]] || { echo "no free port" >&2; exit 1; }
issuer="http://127.0.0.1:$port/dex"
cat >"$work/config.yaml" <<EOF
issuer: $issuer
storage:
  type: sqlite3
  config:
    file: $work/ferry.db
web:
  http: 127.0.0.1:$port
logger:
  level: warn
connectors:
- type: oidc
  id: platform
  name: Platform
  config:
    issuer: $platform
    jwksFile: $work/jwks.json
    scopes: [openid]
    userNameKey: sub
  trust:
    audiences: ["ferry"]
    rules:
    - name: bench
      clients: [bench]
      condition: claims.sub == "system:serviceaccount:ci:bench"
staticClients:
- id: bench
  name: Bench
  secret: bench-secret
EOF
bin/ferry serve "$work/config.yaml" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "$issuer/.well-known/openid-configuration" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$issuer/.well-known/openid-configuration" >/dev/null || {
  echo "Ferry did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
}

export XDG_CACHE_HOME="$work/cache" BENCH_SECRET=bench-secret
token_args=(token --from "file:$work/platform.jwt" --issuer "$issuer" --client-id bench
  --client-secret-env BENCH_SECRET --connector platform --output exec-credential)

# The one real exchange: it fills the cache. Then Ferry stops: from here on only the cache can
# answer. bin/ferry records its class archive in the background by running the same command: the
# first run's recording missed the cache (it was being filled) and recorded nothing; the second
# run's records the warm path.
bin/ferry "${token_args[@]}" >"$work/expected" 2>"$work/first.err" || {
  echo "the first ferry token failed:" >&2
  cat "$work/first.err" "$work/serve.log" >&2
  exit 1
}
grep -q '"token"' "$work/expected" || { echo "no token in the ExecCredential" >&2; exit 1; }
kill "$server"
wait "$server" 2>/dev/null || true
server=""
recorded() {
  for _ in $(seq 1 240); do
    [[ -z "$(find "$work/cache/ferry/jvm" -name '*.lock' 2>/dev/null)" ]] && return 0
    sleep 0.5
  done
  return 1
}
recorded
bin/ferry "${token_args[@]}" >/dev/null
recorded
ls "$work/cache/ferry/jvm"/token-*.jsa >/dev/null

# bin/ferry before issue 11, on this jar: three JVM starts to learn the JDK's version, then java.
variants=(jvm-floor plain)
if git -C "$root" cat-file -e a9e00d0:bin/ferry 2>/dev/null; then
  mkdir -p "$work/old/bin"
  git -C "$root" show a9e00d0:bin/ferry >"$work/old/bin/ferry"
  git -C "$root" show a9e00d0:bin/find-jdk >"$work/old/bin/find-jdk"
  chmod +x "$work/old/bin/ferry"
  ln -s "$root/target" "$work/old/target"
  variants+=(launcher-old)
fi
variants+=(no-archive tuned)

plain_opts=()
((major >= 22)) && plain_opts+=(--enable-native-access=ALL-UNNAMED)
((major >= 23)) && plain_opts+=(--sun-misc-unsafe-memory-access=allow)
run_variant() {
  case "$1" in
    jvm-floor) "$java" -version ;;
    plain) "$java" "${plain_opts[@]}" -jar target/ferry.jar "${token_args[@]}" ;;
    launcher-old) "$work/old/bin/ferry" "${token_args[@]}" ;;
    no-archive) FERRY_TOKEN_ARCHIVE=off bin/ferry "${token_args[@]}" ;;
    tuned) bin/ferry "${token_args[@]}" ;;
  esac
}

# Wall time as kubectl sees it (bash's `time`, fork and exec included), and the CPU time
# (user + system) of the run, which other load on the machine disturbs less.
declare -A wall cpu
TIMEFORMAT='%3R %3U %3S'
for ((i = 0; i < runs; i++)); do
  for variant in "${variants[@]}"; do
    status=0
    { time run_variant "$variant" >"$work/out" 2>"$work/err"; } 2>"$work/time" || status=$?
    if [[ "$variant" != jvm-floor ]] &&
      { ((status != 0)) || [[ -s "$work/err" ]] || ! cmp -s "$work/out" "$work/expected"; }; then
      echo "$variant: exit $status, or not the cached ExecCredential, or stderr:" >&2
      cat "$work/err" >&2
      exit 1
    fi
    read -r real user sys <"$work/time"
    wall[$variant]+="$(awk -v r="$real" 'BEGIN { printf "%d", r * 1000 }') "
    cpu[$variant]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }') "
  done
done

stats() { # median min max of the numbers given
  printf '%s\n' "$@" | sort -n | awk '
    { t[NR] = $1 }
    END { printf "%7d %7d %7d", NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2, t[1], t[NR] }'
}
echo "ferry token, warm cache, --output exec-credential: $runs runs each, milliseconds"
echo "JDK $("$java" -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-13s %7s %7s %7s %7s %7s %7s\n' variant wall min max cpu min max
for variant in "${variants[@]}"; do
  # shellcheck disable=SC2086
  printf '%-13s %s %s\n' "$variant" "$(stats ${wall[$variant]})" "$(stats ${cpu[$variant]})"
done
