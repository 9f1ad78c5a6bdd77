package dev.ferry.storage;

import java.util.List;

/** The identity claims stored with auth requests, codes and refresh tokens (Dex: Claims). */
public record Claims(
    String userId,
    String username,
    String preferredUsername,
    String email,
    boolean emailVerified,
    List<String> groups) {

  public static final Claims EMPTY = new Claims("", "", "", "", false, List.of());

  public Claims {
    groups = List.copyOf(groups);
  }
}
