/**
 * The composition root: opens storage, the signer and connectors from the configuration, wires the
 * endpoints, and runs the background jobs (key rotation every 30 seconds, garbage collection every
 * 5 minutes, the storage health check every 15 seconds).
 */
@NullMarked
package dev.ferry.server;

import org.jspecify.annotations.NullMarked;
