/**
 * Trust rules on a verified upstream subject, evaluated between the connector's verification and
 * the issuer: {@link dev.ferry.policy.SubjectPolicy} sees who asks (client, connector, scopes) and
 * what the connector verified (token metadata, upstream claims, mapped identity) and decides. It
 * depends on {@code connector} and the {@code oauth2} vocabulary only; endpoints depend on it.
 */
@NullMarked
package dev.ferry.policy;

import org.jspecify.annotations.NullMarked;
