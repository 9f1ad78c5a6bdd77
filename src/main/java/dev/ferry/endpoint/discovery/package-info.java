/**
 * OIDC discovery ({@code /.well-known/openid-configuration}) and the public key set ({@code
 * /keys}), written byte for byte as Dex writes them (Dex §1.1, §1.4, §4.4).
 */
@NullMarked
package dev.ferry.endpoint.discovery;

import org.jspecify.annotations.NullMarked;
