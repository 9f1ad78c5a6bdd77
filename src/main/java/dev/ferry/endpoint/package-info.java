/**
 * Ferry's HTTP endpoints, one sub-package per concern (token, discovery, userinfo, introspection,
 * health), and the small contracts they share with the composition root: how an endpoint finds an
 * opened connector ({@link dev.ferry.endpoint.ConnectorLookup}).
 */
@NullMarked
package dev.ferry.endpoint;

import org.jspecify.annotations.NullMarked;
