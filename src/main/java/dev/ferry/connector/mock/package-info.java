/**
 * Dex's {@code mockCallback} test connector (Dex §9.1): any token yields the same fixed identity,
 * Kilgore Trout. For tests and local experiments only; never configure it in production.
 */
@NullMarked
package dev.ferry.connector.mock;

import org.jspecify.annotations.NullMarked;
