/**
 * Dex's configuration file, read as Dex reads it (Dex: cmd/dex/config.go).
 *
 * <p>{@link dev.ferry.config.ConfigLoader} turns a YAML file into a validated {@link
 * dev.ferry.config.FerryConfig}: keys match case-insensitively (Dex decodes YAML through Go's
 * encoding/json), environment variables are expanded only inside {@code storage.config}, {@code
 * connectors[].config} and {@code signer.config}, durations use Go's {@code time.ParseDuration}
 * syntax, and every problem in the file is reported at once in a {@link
 * dev.ferry.config.ConfigException}, each naming its key. Storage and connector {@code config}
 * blocks stay JSON trees: their own packages parse them.
 */
@NullMarked
package dev.ferry.config;

import org.jspecify.annotations.NullMarked;
