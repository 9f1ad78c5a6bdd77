/**
 * Upstream identity connectors: the {@link dev.ferry.connector.Connector} marker, its capability
 * interfaces, the {@link dev.ferry.connector.Identity} they produce, the {@link
 * dev.ferry.connector.ConnectorFactory} contract ({@code type}, {@code validate}, {@code open}) and
 * the {@link dev.ferry.connector.ConnectorRegistry} of Dex's known types and Ferry's served ones.
 * Each connector type lives in its own subpackage that depends only on this package and {@code
 * connector.upstream}; the composition root lists its factory once.
 */
@NullMarked
package dev.ferry.connector;

import org.jspecify.annotations.NullMarked;
