/**
 * The Dex {@code oidc} connector's token-identity capability: OIDC discovery (retried lazily while
 * the upstream is down), upstream JWKS with a bounded, rate-limited refetch, id_token and access
 * token verification (Dex: connector/oidc, go-oidc's verifier) and Dex's claim mapping into an
 * {@link dev.ferry.connector.Identity}. Nothing here is reachable from the network except the
 * configured upstream; everything time-dependent takes an injected {@link java.time.Clock}.
 */
@NullMarked
package dev.ferry.connector.oidc;

import org.jspecify.annotations.NullMarked;
