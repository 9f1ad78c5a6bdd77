/**
 * The seam through which CPU-heavy work (verifying and signing JWTs, hashing) is handed to the
 * bounded worker pool. It sits below every other package so that connectors and the signer can use
 * the pool without depending on the HTTP layer that owns it ({@code http.CpuWorkers}).
 */
@NullMarked
package dev.ferry.cpu;

import org.jspecify.annotations.NullMarked;
