/**
 * One class per grant type served at the token endpoint, each with its typed request record, and
 * the {@link dev.ferry.endpoint.token.grant.GrantCatalogue} that lists them. The workload grants,
 * RFC 8693 token exchange ({@link dev.ferry.endpoint.token.grant.TokenExchangeGrant}) and the RFC
 * 7523 JWT bearer grant ({@link dev.ferry.endpoint.token.grant.JwtBearerGrant}), share one trust
 * path (verification, policy, shaping, single use, audit). The grants for people, authorization
 * code, refresh token and password, share {@code PersonTokens} (Dex's token set) and refresh tokens
 * in Dex's rows ({@link dev.ferry.token.RefreshTokens}). Client credentials is the client's own.
 */
@NullMarked
package dev.ferry.endpoint.token.grant;

import org.jspecify.annotations.NullMarked;
