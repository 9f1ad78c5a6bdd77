/**
 * The workload side of Ferry: what {@code ferry token} does in a CI job or a pod. It obtains the
 * platform's OIDC token ({@link dev.ferry.workload.TokenSource}), exchanges it at a Ferry issuer
 * ({@link dev.ferry.workload.Exchanger}), caches the result ({@link dev.ferry.workload.TokenCache})
 * and renders it for the tool that asked ({@link dev.ferry.workload.Output}). No server code runs
 * here: this package depends on no other Ferry package, so the client stays small and starts fast.
 */
@NullMarked
package dev.ferry.workload;

import org.jspecify.annotations.NullMarked;
