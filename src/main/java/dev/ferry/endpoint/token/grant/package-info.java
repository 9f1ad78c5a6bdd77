/**
 * One class per grant type served at the token endpoint, each with its typed request record, and
 * the {@link dev.ferry.endpoint.token.grant.GrantCatalogue} that lists them. Today: RFC 8693 token
 * exchange ({@link dev.ferry.endpoint.token.grant.TokenExchangeGrant}) and the RFC 7523 JWT bearer
 * grant ({@link dev.ferry.endpoint.token.grant.JwtBearerGrant}), which share one trust path
 * (verification, policy, shaping, single use, audit); authorization code, refresh, client
 * credentials, password and device code follow the same {@link dev.ferry.endpoint.token.Grant}
 * shape.
 */
@NullMarked
package dev.ferry.endpoint.token.grant;

import org.jspecify.annotations.NullMarked;
