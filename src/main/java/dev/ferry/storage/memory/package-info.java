/**
 * The {@code memory} storage backend (Dex: storage/memory): every object lives in this process and
 * is lost on exit, so it is not shared between replicas. It is the reference backend the
 * conformance suite runs fastest against.
 */
@NullMarked
package dev.ferry.storage.memory;

import org.jspecify.annotations.NullMarked;
