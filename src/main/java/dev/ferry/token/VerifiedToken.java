package dev.ferry.token;

import java.util.Map;

/**
 * A Ferry-issued JWT whose signature, issuer and expiry checked out: its payload exactly as signed
 * (served verbatim by {@code /userinfo}) and the same claims parsed.
 */
public record VerifiedToken(String payloadJson, Map<String, Object> claims) {}
