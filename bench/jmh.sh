#!/usr/bin/env bash
# Runs Ferry's JMH benchmarks (src/test/java/dev/ferry/bench) in process, on the test classpath.
# Defaults: 1 fork, 3 x 2 s warm-up, 5 x 2 s measurement, 1 thread (see Benchmarks.java); any JMH
# option overrides them and a regex picks benchmarks, e.g.
#   bench/jmh.sh Signing -p algorithm=RS256
#   bench/jmh.sh -rf json -rff target/bench/jmh.json
# Set SKIP_BUILD=1 to reuse target/test-classes and target/bench/classpath.txt from a previous run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source bin/find-jdk
ferry_find_jdk

mkdir -p target/bench
cp_file="target/bench/classpath.txt"
if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$cp_file" ]]; then
  echo "jmh.sh: compiling test classes and resolving the test classpath..." >&2
  ./mvnw -B -ntp -q test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi

java_opts=()
# ACCP loads a native library; JDK 22+ warns unless native access is granted (as bin/ferry does).
if (( $(ferry_java_major "$JAVA_HOME/bin/java") >= 22 )); then
  java_opts+=(--enable-native-access=ALL-UNNAMED)
fi
# The machine may be shared: CPU time used by other processes during the run is reported at the
# end, so that a disturbed run can be recognised (and repeated).
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
steal_ticks() { awk '/^cpu /{print $9}' /proc/stat; }
busy0=$(busy_ticks)
steal0=$(steal_ticks)
start=$(date +%s)
TIMEFORMAT='%U %S'
# JMH forks inherit these JVM options.
{ time "$JAVA_HOME/bin/java" "${java_opts[@]}" ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.ferry.bench.Benchmarks "$@" 2>&1; } 2>target/bench/jmh.time
tick=$(getconf CLK_TCK)
awk -v busy=$(($(busy_ticks) - busy0)) -v steal=$(($(steal_ticks) - steal0)) -v k="$tick" \
  -v wall=$(($(date +%s) - start)) -v cpus="$(nproc)" \
  '{ own = $1 + $2; printf "CPU jmh_s=%.1f other_s=%.1f steal_s=%.1f wall_s=%d cpus=%d\n",
     own, busy / k - own, steal / k, wall, cpus }' target/bench/jmh.time
