/**
 * Ferry's signing keys: the {@link dev.ferry.signer.Signer} the token issuer uses, the local key
 * rotation coordinated through storage, and the public JWKS view served at {@code /keys}.
 */
@NullMarked
package dev.ferry.signer;

import org.jspecify.annotations.NullMarked;
