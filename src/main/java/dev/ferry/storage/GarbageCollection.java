package dev.ferry.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many expired objects one garbage-collection pass deleted (Dex: storage/storage.go GCResult),
 * by {@link Entity#kind()}. The backends fill it generically from every entity that {@link
 * Entity#expires()}, so a new expiring entity needs no change here; the accessors for Dex's five
 * only name the counts Dex logs (Dex: server/server.go startGarbageCollection).
 *
 * @param deleted the number deleted per entity kind; kinds with nothing deleted are left out, so
 *     that two results with the same counts are equal whichever backend made them
 */
public record GarbageCollection(Map<String, Long> deleted) {

  /** The entities of Dex's GCResult. */
  private static final Set<String> DEX_KINDS =
      Set.of(
          AuthRequest.ENTITY.kind(),
          AuthCode.ENTITY.kind(),
          DeviceRequest.ENTITY.kind(),
          DeviceToken.ENTITY.kind(),
          AuthSession.ENTITY.kind());

  public GarbageCollection {
    Map<String, Long> nonZero = new TreeMap<>();
    deleted.forEach((kind, count) -> {
      if (count != 0) {
        nonZero.put(kind, count);
      }
    });
    deleted = Map.copyOf(nonZero);
  }

  /** Dex's GCResult: the counts of its five expiring entities. */
  public GarbageCollection(
      long authRequests,
      long authCodes,
      long deviceRequests,
      long deviceTokens,
      long authSessions) {
    this(
        Map.of(
            AuthRequest.ENTITY.kind(), authRequests,
            AuthCode.ENTITY.kind(), authCodes,
            DeviceRequest.ENTITY.kind(), deviceRequests,
            DeviceToken.ENTITY.kind(), deviceTokens,
            AuthSession.ENTITY.kind(), authSessions));
  }

  /** How many values of one entity were deleted. */
  public long deleted(Entity<?, ?> entity) {
    return deleted.getOrDefault(entity.kind(), 0L);
  }

  public long authRequests() {
    return deleted(AuthRequest.ENTITY);
  }

  public long authCodes() {
    return deleted(AuthCode.ENTITY);
  }

  public long deviceRequests() {
    return deleted(DeviceRequest.ENTITY);
  }

  public long deviceTokens() {
    return deleted(DeviceToken.ENTITY);
  }

  public long authSessions() {
    return deleted(AuthSession.ENTITY);
  }

  /**
   * The counts of entities Dex does not have (the single-use records, {@link UsedToken}), which the
   * log line adds after Dex's five, keyed by kind.
   */
  public Map<String, Long> beyondDex() {
    Map<String, Long> others = new LinkedHashMap<>();
    new TreeMap<>(deleted)
        .forEach((kind, count) -> {
          if (!DEX_KINDS.contains(kind)) {
            others.put(kind, count);
          }
        });
    return others;
  }

  public boolean isEmpty() {
    return deleted.isEmpty();
  }
}
