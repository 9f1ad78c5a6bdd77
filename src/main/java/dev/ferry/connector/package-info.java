/**
 * Upstream identity connectors: the {@link dev.ferry.connector.Connector} marker, its capability
 * interfaces, the {@link dev.ferry.connector.Identity} they produce, and the factories that open
 * them by Dex connector type.
 */
@NullMarked
package dev.ferry.connector;

import org.jspecify.annotations.NullMarked;
