package dev.ferry.connector;

import java.util.List;

/**
 * A user as an upstream connector describes them (Dex: connector.Identity). {@code connectorData}
 * is opaque state the connector wants back on refresh; it never reaches a token.
 */
// Opaque bytes, as Dex's []byte fields are; nothing relies on this record's equals, which
// compares arrays by reference.
@SuppressWarnings("ArrayRecordComponent")
public record Identity(
    String userId,
    String username,
    String preferredUsername,
    String email,
    boolean emailVerified,
    List<String> groups,
    byte[] connectorData) {

  public Identity {
    groups = List.copyOf(groups);
  }
}
