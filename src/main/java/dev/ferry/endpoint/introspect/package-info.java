/** RFC 7662 token introspection ({@code /token/introspect}) with Dex's fields and errors. */
@NullMarked
package dev.ferry.endpoint.introspect;

import org.jspecify.annotations.NullMarked;
