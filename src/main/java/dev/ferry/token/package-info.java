/**
 * Ferry's own tokens: {@link dev.ferry.token.TokenIssuer} builds Dex's claim set (the {@code sub}
 * encoding, {@code aud}/{@code azp}, {@code at_hash}, scope-gated claims) and asks the signer for a
 * JWS; {@link dev.ferry.token.TokenVerifier} checks tokens Ferry issued.
 */
@NullMarked
package dev.ferry.token;

import org.jspecify.annotations.NullMarked;
