package dev.ferry.storage;

/** The object to read, update or delete does not exist (Dex: storage.ErrNotFound). */
public final class NotFoundException extends StorageException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String what) {
    super("not found: " + what);
  }
}
