/**
 * The browser login flow, as Dex HEAD serves it with its sessions feature off (Dex:
 * server/authflow, server/consent): {@code /auth} parses and validates the authorization request
 * and picks a connector; {@code /auth/{connector}} stores the auth request and starts the
 * connector's login; {@code /auth/{connector}/login} is a password connector's form; {@code
 * /callback} is the return leg of a redirect connector; every login ends in {@link
 * dev.ferry.endpoint.auth.LoginFinalizer} and returns to {@code /auth} with an HMAC that proves the
 * step, where the dispatcher sends the browser to {@code /approval} or answers the client ({@link
 * dev.ferry.endpoint.auth.AuthorizationResponder}). Errors are {@link
 * dev.ferry.endpoint.auth.FlowException}s, rendered in one place ({@link
 * dev.ferry.endpoint.auth.AuthFlow#render}) as an error page or an error redirect to the client.
 */
@NullMarked
package dev.ferry.endpoint.auth;

import org.jspecify.annotations.NullMarked;
