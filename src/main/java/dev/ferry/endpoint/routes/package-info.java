/**
 * Where each endpoint is mounted: Dex's paths on the web and telemetry listeners, with CORS on
 * exactly the routes Dex wraps (Dex: server/server.go Server.mount, server/router/router.go
 * mountMux.HandleCORS; cmd/dex/serve.go runServe for telemetry). The server calls these once while
 * composing.
 */
@NullMarked
package dev.ferry.endpoint.routes;

import org.jspecify.annotations.NullMarked;
