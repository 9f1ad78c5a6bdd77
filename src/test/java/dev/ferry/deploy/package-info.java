/**
 * Tests of what Ferry ships besides the jar: the Kubernetes manifests under {@code deploy/}. Test
 * code only.
 */
@NullMarked
package dev.ferry.deploy;

import org.jspecify.annotations.NullMarked;
