/**
 * The token endpoint ({@code POST /token}, Dex: server/grants/grants.go Handler.handleToken,
 * Handler.dispatch): request parsing, dispatch on {@code grant_type} to one {@link
 * dev.ferry.endpoint.token.Grant} per grant type, client authentication (HTTP Basic first, then the
 * form), the connector policy of Dex HEAD (client {@code allowedConnectors}, connector {@code
 * grantTypes}) and the success response. The grants themselves live in {@code
 * endpoint.token.grant}.
 */
@NullMarked
package dev.ferry.endpoint.token;

import org.jspecify.annotations.NullMarked;
