package dev.ferry.connector;

import org.jspecify.annotations.Nullable;

/** A connector could not be opened: its config is invalid or its upstream is unreachable. */
public final class ConnectorException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConnectorException(String message) {
    super(message);
  }

  public ConnectorException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
