/**
 * What every connector uses to talk to its upstream: one bounded HTTP client per connector (connect
 * timeout, whole-exchange deadline, body size cap), the TLS trust built from Dex's {@code rootCAs}
 * forms, a strict JSON reader for upstream answers (duplicate keys refused), and the SHA-256
 * fingerprint that stands in for a token in logs. Nothing here knows a connector type.
 */
@NullMarked
package dev.ferry.connector.upstream;

import org.jspecify.annotations.NullMarked;
