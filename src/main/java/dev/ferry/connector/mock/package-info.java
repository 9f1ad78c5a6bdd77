/**
 * Dex's {@code mockCallback} and {@code mockPassword} test connectors (Dex:
 * connector/mock/connectortest.go Callback.TokenIdentity): any token yields the same fixed
 * identity, Kilgore Trout. For tests and local experiments only; never configure it in production.
 */
@NullMarked
package dev.ferry.connector.mock;

import org.jspecify.annotations.NullMarked;
