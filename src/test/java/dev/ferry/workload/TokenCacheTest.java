package dev.ferry.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
  private final MutableClock clock = MutableClock.atFixedStart();

  @TempDir Path home;

  private Path dir() {
    return home.resolve("cache").resolve("ferry");
  }

  private TokenCache cache() {
    return new TokenCache(dir(), clock);
  }

  private IssuedToken expiringIn(Duration left, String token) {
    return new IssuedToken(
        token, clock.instant().plus(left), "{\"access_token\":\"" + token + "\"}");
  }

  private static String key(String name) {
    return TokenCache.key(List.of(name));
  }

  private Path file(String key) {
    return dir().resolve(key + ".json");
  }

  private static String perms(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void directoryIsXdgCacheHomeElseHomeCacheAndOnlyAbsolute() {
    MutableClock c = clock;
    assertThat(
            TokenCache.directory(
                new Workplace(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u"), c)))
        .contains(Path.of("/x/cache/ferry"));
    assertThat(
            TokenCache.directory(
                new Workplace(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/home/u"), c)))
        .contains(Path.of("/home/u/.cache/ferry"));
    assertThat(TokenCache.directory(new Workplace(Map.of("HOME", "/home/u"), c)))
        .contains(Path.of("/home/u/.cache/ferry"));
    assertThat(TokenCache.directory(new Workplace(Map.of("HOME", "u", "XDG_CACHE_HOME", ""), c)))
        .isEmpty();
    assertThat(TokenCache.directory(new Workplace(Map.of(), c))).isEmpty();
  }

  @Test
  void keyIsASha256OfLengthPrefixedInputs() {
    assertThat(TokenCache.key(List.of("ab", "c")))
        .matches("[0-9a-f]{64}")
        .isNotEqualTo(TokenCache.key(List.of("a", "bc")))
        .isNotEqualTo(TokenCache.key(List.of("abc")))
        .isNotEqualTo(TokenCache.key(List.of("ab", "c", "")))
        .isEqualTo(TokenCache.key(List.of("ab", "c")));
  }

  @Test
  void putWritesA0600FileInA0700DirectoryAndGetReadsItBack() throws IOException {
    TokenCache cache = cache();
    IssuedToken token = expiringIn(Duration.ofHours(1), "issued-1");

    cache.put(key("a"), token);

    assertThat(perms(dir())).isEqualTo("rwx------");
    assertThat(perms(file(key("a")))).isEqualTo("rw-------");
    assertThat(cache.get(key("a"))).contains(token);
    assertThat(cache.get(key("b"))).isEmpty();
    try (Stream<Path> files = Files.list(dir())) {
      assertThat(files).containsExactly(file(key("a"))); // no temp file left behind
    }
  }

  @Test
  void aTokenIsReusedOnlyWhileMoreThan60SecondsAreLeft() {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofSeconds(121), "issued"));

    clock.advance(Duration.ofSeconds(60)); // 61 s left
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("issued");
    clock.advance(Duration.ofSeconds(1)); // 60 s left
    assertThat(cache.get(key("a"))).isEmpty();
    clock.advance(Duration.ofSeconds(1)); // 59 s left
    assertThat(cache.get(key("a"))).isEmpty();
  }

  @Test
  void tokensWithoutExpiryOrAboutToExpireAreNotStored() {
    TokenCache cache = cache();
    cache.put(key("a"), new IssuedToken("t", null, "{}"));
    cache.put(key("b"), expiringIn(Duration.ofSeconds(59), "t"));

    assertThat(file(key("a"))).doesNotExist();
    assertThat(file(key("b"))).doesNotExist();
  }

  @Test
  void aCorruptFileIsIgnoredAndRewritten() throws IOException {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "first"));
    for (String corrupt :
        List.of(
            "",
            "{",
            "not json",
            "{\"version\":1,\"expiresAt\":\"tomorrow\",\"token\":\"t\",\"response\":\"{}\"}",
            "{\"version\":2,\"expiresAt\":\"2026-01-01T05:00:00Z\",\"token\":\"t\",\"response\":\"{}\"}",
            "{\"version\":1,\"expiresAt\":\"2026-01-01T05:00:00Z\",\"response\":\"{}\"}",
            "{\"version\":1,\"expiresAt\":\"2026-01-01T05:00:00Z\",\"token\":1,\"response\":\"{}\"}",
            "{\"version\":1,\"expiresAt\":\"2026-01-01T05:00:00Z\",\"token\":\"t\",\"response\":\"{}\"} x")) {
      Files.writeString(file(key("a")), corrupt);
      assertThat(cache.get(key("a"))).as(corrupt).isEmpty();
    }

    IssuedToken second = expiringIn(Duration.ofHours(1), "second");
    cache.put(key("a"), second);
    assertThat(cache.get(key("a"))).contains(second);
  }

  @Test
  void aWellFormedFileTheCacheWouldHaveWrittenIsRead() throws IOException {
    // The reader accepts exactly the writer's format, not only its own round trip.
    TokenCache cache = cache();
    cache.put(key("z"), expiringIn(Duration.ofHours(1), "z"));
    Files.writeString(
        file(key("a")),
        "{\"version\":2,\"key\":\""
            + key("a")
            + "\",\"expiresAt\":\"2026-01-01T05:00:00Z\",\"token\":\"hand\","
            + "\"response\":\"{}\"}");
    Files.setPosixFilePermissions(file(key("a")), PosixFilePermissions.fromString("rw-------"));

    assertThat(cache.get(key("a")))
        .contains(new IssuedToken("hand", Instant.parse("2026-01-01T05:00:00Z"), "{}"));
  }

  @Test
  void aGroupOrOtherReadableFileIsIgnoredAndRewritten() throws IOException {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "first"));
    for (String loose : List.of("rw-r-----", "rw----r--", "rw--w----")) {
      Files.setPosixFilePermissions(file(key("a")), PosixFilePermissions.fromString(loose));
      assertThat(cache.get(key("a"))).as(loose).isEmpty();
    }
    Files.setPosixFilePermissions(file(key("a")), PosixFilePermissions.fromString("r--------"));
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("first");

    Files.setPosixFilePermissions(file(key("a")), PosixFilePermissions.fromString("rw-r--r--"));
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "second"));
    assertThat(perms(file(key("a")))).isEqualTo("rw-------");
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("second");
  }

  private static boolean canChown() {
    if ("root".equals(System.getProperty("user.name"))) {
      return true;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true: the ownership tests must run as root, and this is not");
    }
    System.err.println("TokenCacheTest: SKIPPED ownership tests: they chown, which needs root");
    return false;
  }

  private static UserPrincipal nobody(Path path) throws IOException {
    return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("65534");
  }

  @Test
  void aFileOwnedByAnotherUserIsIgnoredAndRewritten() throws IOException {
    Assumptions.assumeTrue(canChown(), "needs root to chown");
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "first"));
    Files.setOwner(file(key("a")), nobody(file(key("a"))));
    assertThat(cache.get(key("a"))).isEmpty();

    cache.put(key("a"), expiringIn(Duration.ofHours(1), "second"));

    assertThat(Files.getOwner(file(key("a")), LinkOption.NOFOLLOW_LINKS))
        .isNotEqualTo(nobody(file(key("a"))));
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("second");
  }

  @Test
  void aDirectoryOwnedByAnotherUserIsNotUsed() throws IOException {
    Assumptions.assumeTrue(canChown(), "needs root to chown");
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "first"));
    Files.setOwner(dir(), nobody(dir()));

    assertThat(cache.get(key("a"))).isEmpty();
    cache.put(key("b"), expiringIn(Duration.ofHours(1), "second"));
    assertThat(file(key("b"))).doesNotExist();
  }

  @Test
  void anOpenDirectoryOfOursIsClosedTo0700AndUsed() throws IOException {
    Files.createDirectories(dir());
    Files.setPosixFilePermissions(dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
    TokenCache cache = cache();

    cache.put(key("a"), expiringIn(Duration.ofHours(1), "t"));

    assertThat(perms(dir())).isEqualTo("rwx------");
    assertThat(cache.get(key("a"))).isPresent();
  }

  @Test
  void anOpenDirectoryLosesItsEntriesUnreadWhenItIsClosed() throws IOException {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "t"));
    // While it was open, anyone could have written or swapped an entry: none is trusted.
    Files.setPosixFilePermissions(dir(), PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThat(cache.get(key("a"))).isEmpty();
    assertThat(perms(dir())).isEqualTo("rwx------");
    assertThat(file(key("a"))).doesNotExist();
  }

  @Test
  void anEntryIsUsedOnlyUnderTheKeyItWasWrittenFor() throws IOException {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "for-a"));
    Files.copy(file(key("a")), file(key("b")));
    Files.setPosixFilePermissions(file(key("b")), PosixFilePermissions.fromString("rw-------"));

    assertThat(cache.get(key("b"))).isEmpty();
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("for-a");
  }

  @Test
  void anEntryWithAnotherNameIsNotUsed() throws IOException {
    TokenCache cache = cache();
    cache.put(key("a"), expiringIn(Duration.ofHours(1), "t"));
    Files.createLink(home.resolve("elsewhere"), file(key("a")));

    assertThat(cache.get(key("a"))).isEmpty();
  }

  @Test
  void aLockHoldsItsKeyUntilClosed() throws IOException {
    TokenCache cache = cache();
    Optional<TokenCache.Lock> first = cache.lock(key("a"), Duration.ZERO);
    assertThat(first).isPresent();
    assertThat(perms(dir().resolve(key("a") + ".lock"))).isEqualTo("rw-------");
    try (TokenCache.Lock other = cache.lock(key("b"), Duration.ZERO).orElseThrow()) {
      assertThat(other).isNotNull();
    }

    assertThat(cache.lock(key("a"), Duration.ofMillis(200))).isEmpty();

    first.get().close();
    Optional<TokenCache.Lock> again = cache.lock(key("a"), Duration.ZERO);
    assertThat(again).isPresent();
    again.get().close();
  }

  @Test
  void aWaitingLockIsTakenWhenTheHolderLetsGo() throws Exception {
    TokenCache cache = cache();
    TokenCache.Lock held = cache.lock(key("a"), Duration.ZERO).orElseThrow();
    CompletableFuture<Optional<TokenCache.Lock>> waiter =
        CompletableFuture.supplyAsync(() -> cache.lock(key("a"), Duration.ofSeconds(30)));
    assertThat(waiter).isNotDone();

    held.close();

    Optional<TokenCache.Lock> taken = waiter.get(30, TimeUnit.SECONDS);
    assertThat(taken).isPresent();
    taken.get().close();
  }

  @Test
  void aSymlinkIsIgnoredAndReplacedNotFollowed() throws IOException {
    TokenCache cache = cache();
    cache.put(key("target"), expiringIn(Duration.ofHours(1), "elsewhere"));
    Path target = file(key("target"));
    Files.createSymbolicLink(file(key("a")), target);

    assertThat(cache.get(key("a"))).isEmpty();

    cache.put(key("a"), expiringIn(Duration.ofHours(1), "mine"));
    assertThat(Files.isSymbolicLink(file(key("a")))).isFalse();
    assertThat(cache.get(key("a"))).map(IssuedToken::token).contains("mine");
    assertThat(cache.get(key("target"))).map(IssuedToken::token).contains("elsewhere");
  }

  @Test
  void aSymlinkedCacheDirectoryIsNotUsed() throws IOException {
    Path real = Files.createDirectory(home.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(dir().getParent());
    Files.createSymbolicLink(dir(), real);

    cache().put(key("a"), expiringIn(Duration.ofHours(1), "t"));

    try (Stream<Path> files = Files.list(real)) {
      assertThat(files).isEmpty();
    }
    assertThat(cache().get(key("a"))).isEmpty();
  }

  @Test
  void aNonRegularFileIsIgnored() throws IOException {
    TokenCache cache = cache();
    cache.put(key("z"), expiringIn(Duration.ofHours(1), "z"));
    Files.createDirectory(file(key("a")));

    assertThat(cache.get(key("a"))).isEmpty();
    cache.put(
        key("a"), expiringIn(Duration.ofHours(1), "t")); // cannot replace a directory: skipped
    assertThat(cache.get(key("a"))).isEmpty();
  }

  @Test
  void anUnusableDirectoryIsSkippedWithoutAnError() throws IOException {
    Path blocker = Files.writeString(home.resolve("cache"), "a file where the directory goes");
    TokenCache cache = cache();

    cache.put(key("a"), expiringIn(Duration.ofHours(1), "t"));

    assertThat(cache.get(key("a"))).isEmpty();
    assertThat(blocker).hasContent("a file where the directory goes");

    // Root writes through any mode bits; /proc refuses new directories to everyone.
    TokenCache readOnly = new TokenCache(Path.of("/proc/ferry-test-cache/ferry"), clock);
    readOnly.put(key("a"), expiringIn(Duration.ofHours(1), "t"));
    assertThat(readOnly.get(key("a"))).isEmpty();
    assertThat(Path.of("/proc/ferry-test-cache")).doesNotExist();
  }

  @Test
  void aKeyThatIsNotAHashIsNeitherReadNorWritten() {
    TokenCache cache = cache();
    cache.put("../escape", expiringIn(Duration.ofHours(1), "t"));
    assertThat(home.resolve("cache/escape.json")).doesNotExist();
    assertThat(cache.get("../escape")).isEqualTo(Optional.empty());
  }

  @Test
  void putSweepsExpiredEntries() {
    TokenCache cache = cache();
    cache.put(key("old"), expiringIn(Duration.ofMinutes(5), "old"));
    cache.put(key("live"), expiringIn(Duration.ofHours(2), "live"));
    clock.advance(Duration.ofMinutes(10));

    cache.put(key("new"), expiringIn(Duration.ofHours(1), "new"));

    assertThat(file(key("old"))).doesNotExist();
    assertThat(file(key("live"))).exists();
    assertThat(file(key("new"))).exists();
  }
}
