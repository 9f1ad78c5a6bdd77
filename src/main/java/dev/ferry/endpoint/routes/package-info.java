/**
 * Where each endpoint is mounted: Dex's paths on the web and telemetry listeners, with CORS on
 * exactly the routes Dex wraps (Dex §1.1, §1.2). The server calls these once while composing.
 */
@NullMarked
package dev.ferry.endpoint.routes;

import org.jspecify.annotations.NullMarked;
