package dev.ferry.storage;

import org.jspecify.annotations.Nullable;

/** A storage failure that is not a semantic outcome (the database is down, a row is corrupt). */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
