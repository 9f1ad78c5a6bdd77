/**
 * Ferry's HTTP layer on the Jetty 12 core {@code Handler} API (no servlets): listeners and TLS, the
 * router that mounts endpoints under the issuer path exactly as Dex does, CORS, web headers,
 * request ids, client IPs, form parsing with size limits, the bounded CPU worker pool, and the
 * Prometheus metrics of the telemetry listener. It holds no OAuth logic beyond rendering an {@link
 * dev.ferry.oauth2.OAuthException} in the one place that does so.
 */
@NullMarked
package dev.ferry.http;

import org.jspecify.annotations.NullMarked;
