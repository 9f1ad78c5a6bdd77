/**
 * Performance measurement: JMH benchmarks of the token-exchange hot path in process (signing,
 * upstream verification, the whole grant), run through {@link dev.ferry.bench.Benchmarks} by {@code
 * bench/jmh.sh}, and {@link dev.ferry.bench.LoadFixture}, the running server that {@code
 * bench/load.sh} drives with {@code wrk}. Results and how to read them are in {@code
 * docs/benchmarks.md}. Surefire skips every {@code *Benchmark} class.
 */
@NullMarked
package dev.ferry.bench;

import org.jspecify.annotations.NullMarked;
