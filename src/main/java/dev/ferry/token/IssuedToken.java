package dev.ferry.token;

import java.time.Instant;

/** A signed token and the instant it expires. */
public record IssuedToken(String token, Instant expiry) {}
