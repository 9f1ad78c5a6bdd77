/**
 * OIDC discovery ({@code /.well-known/openid-configuration}) and the public key set ({@code
 * /keys}), written byte for byte as Dex writes them (Dex: server/discovery/discovery.go
 * Handler.Construct, Handler.Keys).
 */
@NullMarked
package dev.ferry.endpoint.discovery;

import org.jspecify.annotations.NullMarked;
