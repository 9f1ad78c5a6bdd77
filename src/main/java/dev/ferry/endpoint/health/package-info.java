/**
 * Health: the storage check Dex runs every 15 seconds (create and delete a dummy auth request), the
 * web listener's {@code /healthz} text answer, and the telemetry listener's go-sundheit style JSON
 * ({@code /healthz}, {@code /healthz/ready}) and liveness ({@code /healthz/live}) (Dex:
 * cmd/dex/serve.go runServe; storage/health.go NewCustomHealthCheckFunc).
 */
@NullMarked
package dev.ferry.endpoint.health;

import org.jspecify.annotations.NullMarked;
