/**
 * The pages people see during login: connector choice, password form, approval, errors and the
 * out-of-band code page, rendered from Ferry's own templates (or the operator's, from {@code
 * frontend.dir}), with the static assets they use. No OAuth logic: endpoints decide what to show
 * and hand this package plain values. Uses only {@code http} of Ferry's packages.
 */
@NullMarked
package dev.ferry.web;

import org.jspecify.annotations.NullMarked;
