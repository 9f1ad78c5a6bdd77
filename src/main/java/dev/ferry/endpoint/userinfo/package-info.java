/** The OIDC {@code /userinfo} endpoint as Dex serves it (Dex §1.1). */
@NullMarked
package dev.ferry.endpoint.userinfo;

import org.jspecify.annotations.NullMarked;
