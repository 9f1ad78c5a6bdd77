/**
 * The built-in local password database, connector type {@code local} (Dex: server/connectors
 * password.go passwordDB): people log in with an email address and a password whose bcrypt hash is
 * in storage ({@code staticPasswords} or the passwords API). Bcrypt runs on the request thread,
 * never on the CPU workers, and at most a few checks run at once ({@link
 * dev.ferry.connector.local.PasswordCheckLimiter}).
 */
@NullMarked
package dev.ferry.connector.local;

import org.jspecify.annotations.NullMarked;
