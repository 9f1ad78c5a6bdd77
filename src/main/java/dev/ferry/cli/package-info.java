/**
 * The {@code ferry} command line (picocli): {@code serve CONFIG} with Dex's listen-address flags,
 * {@code config check CONFIG} and {@code version}. Every failure ends in one clear line and a
 * non-zero exit status, never a stack trace.
 */
@NullMarked
package dev.ferry.cli;

import org.jspecify.annotations.NullMarked;
