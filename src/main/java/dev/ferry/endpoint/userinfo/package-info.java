/**
 * The OIDC {@code /userinfo} endpoint as Dex serves it (Dex: server/userinfo/userinfo.go
 * Handler.handle).
 */
@NullMarked
package dev.ferry.endpoint.userinfo;

import org.jspecify.annotations.NullMarked;
