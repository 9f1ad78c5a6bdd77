/**
 * Protocol vocabulary without I/O: grant type, token type and scope constants, and the catalogue of
 * OAuth errors that every endpoint renders the same way.
 */
@NullMarked
package dev.ferry.oauth2;

import org.jspecify.annotations.NullMarked;
