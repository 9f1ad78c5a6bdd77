/**
 * JSON as Go's {@code encoding/json} writes it, so that Ferry's responses and token payloads are
 * byte-compatible with Dex's.
 */
@NullMarked
package dev.ferry.json;

import org.jspecify.annotations.NullMarked;
