package dev.ferry.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** The {@code signer} section as written; {@link SignerConfig} is what it resolves to. */
record SignerSection(String type, @Nullable ObjectNode config) {
  SignerSection(@Nullable String type, @Nullable ObjectNode config) {
    this.type = Defaults.str(type);
    this.config = config;
  }
}
