package dev.ferry.policy;

import java.time.Instant;

/**
 * A subject token that may be accepted once ({@code trust.singleUse}): the grant records it only
 * after every other check passed, through the {@link ReplayLedger}.
 *
 * @param expiresAt the token's {@code exp}: the record is kept until then
 */
public record SingleUse(String issuer, String jti, Instant expiresAt) {}
