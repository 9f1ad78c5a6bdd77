/**
 * The {@link dev.ferry.storage.Storage} interface, its model records and its exceptions. Backends
 * live in sub-packages and are chosen by the config's {@code storage.type}; every backend passes
 * the one conformance suite that defines these semantics.
 */
@NullMarked
package dev.ferry.storage;

import org.jspecify.annotations.NullMarked;
