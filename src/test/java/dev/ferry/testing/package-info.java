/**
 * Test fixtures shared across packages: {@link dev.ferry.testing.UpstreamIssuer}, an in-process
 * OpenID Connect upstream reached over real HTTP, its token builder, and a hand-moved clock.
 */
@NullMarked
package dev.ferry.testing;

import org.jspecify.annotations.NullMarked;
