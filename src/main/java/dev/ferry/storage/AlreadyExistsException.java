package dev.ferry.storage;

/** An object with the same key exists already (Dex: storage.ErrAlreadyExists). */
public final class AlreadyExistsException extends StorageException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String what) {
    super("ID already exists: " + what);
  }
}
