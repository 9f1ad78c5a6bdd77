package dev.ferry.storage;

/** How many expired objects one garbage-collection pass deleted (Dex: GCResult). */
public record GarbageCollection(
    long authRequests, long authCodes, long deviceRequests, long deviceTokens, long authSessions) {

  public boolean isEmpty() {
    return authRequests + authCodes + deviceRequests + deviceTokens + authSessions == 0;
  }
}
