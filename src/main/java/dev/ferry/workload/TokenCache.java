package dev.ferry.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Issued tokens on disk under {@code $XDG_CACHE_HOME/ferry} (a 0700 directory of 0600 files),
 * reused until 60 seconds before they expire. A file that is corrupt, unreadable or not owned by
 * this user is ignored and rewritten, never trusted.
 */
public final class TokenCache {
  /** A cached token is handed out only while it has more than this left. */
  static final Duration MARGIN = Duration.ofSeconds(60);

  /** A cache file holds one token response; anything larger was not written by us. */
  private static final int MAX_BYTES = 256 * 1024;

  /** 2: the file names its key, so an entry moved or linked under another name is not used. */
  private static final int VERSION = 2;

  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
  private static final String SUFFIX = ".json";
  private static final String LOCK_SUFFIX = ".lock";

  /** How often a waiting {@link #lock} tries again. */
  private static final Duration LOCK_POLL = Duration.ofMillis(50);

  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  /** Temp files a crashed put left behind are removed after this. */
  private static final Duration STALE_TEMP = Duration.ofHours(1);

  private static final JsonFactory JSON = new JsonFactory();

  private final Path directory;
  private final Clock clock;

  public TokenCache(Path directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  /**
   * {@code $XDG_CACHE_HOME/ferry}, else {@code $HOME/.cache/ferry}; empty when neither is an
   * absolute path (the XDG spec ignores a relative {@code XDG_CACHE_HOME}), and then nothing is
   * cached.
   */
  public static Optional<Path> directory(Workplace place) {
    Optional<Path> xdg = absolute(place.env().get("XDG_CACHE_HOME"));
    if (xdg.isPresent()) {
      return Optional.of(xdg.get().resolve("ferry"));
    }
    return absolute(place.env().get("HOME")).map(home -> home.resolve(".cache").resolve("ferry"));
  }

  private static Optional<Path> absolute(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(value);
      return path.isAbsolute() ? Optional.of(path) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The cache key of these inputs: a SHA-256, so no input (a secret's hash) shows in a file name.
   * Each input is length-prefixed, so {@code ["ab", "c"]} and {@code ["a", "bc"]} differ.
   */
  public static String key(List<String> inputs) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(inputs.size()).array());
    for (String input : inputs) {
      byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
      sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
      sha256.update(bytes);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** The cached token for {@code key}, when it is good for more than 60 seconds. */
  public Optional<IssuedToken> get(String key) {
    if (!KEY.matcher(key).matches()) {
      return Optional.empty();
    }
    try {
      Optional<UserPrincipal> me = me();
      if (me.isEmpty() || !usableDirectory(me.get())) {
        return Optional.empty();
      }
      Optional<IssuedToken> token = read(directory.resolve(key + SUFFIX), key, me.get());
      return token.filter(this::fresh);
    } catch (IOException | RuntimeException e) {
      // A cache we cannot read is a cache miss: the token is fetched again and rewritten.
      return Optional.empty();
    }
  }

  /** Stores {@code token}; a cache that cannot be written is skipped, never an error. */
  public void put(String key, IssuedToken token) {
    if (!KEY.matcher(key).matches() || token.expiresAt() == null || !fresh(token)) {
      return;
    }
    @Nullable Path temp = null;
    try {
      Optional<UserPrincipal> me = me();
      if (me.isEmpty() || !createDirectory() || !usableDirectory(me.get())) {
        return;
      }
      FileAttribute<Set<PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE);
      temp = Files.createTempFile(directory, "." + key + ".", ".tmp", ownerOnly);
      Files.write(temp, encode(key, token));
      // rename(2) replaces whatever is at the name (a symlink, another user's file) atomically:
      // a reader sees the old file or the new one, never half of one.
      Files.move(temp, directory.resolve(key + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      sweep(key, me.get());
    } catch (IOException | RuntimeException e) {
      // A full disk, a read-only home, a file system without POSIX permissions: no cache.
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
          // Nothing more to do; a later put sweeps it.
        }
      }
    }
  }

  private boolean fresh(IssuedToken token) {
    Instant expiresAt = token.expiresAt();
    return expiresAt != null && expiresAt.isAfter(clock.instant().plus(MARGIN));
  }

  /** This process's user: the name the JDK read from the password database, else /proc. */
  private static Optional<UserPrincipal> me() {
    try {
      String name = System.getProperty("user.name");
      if (name != null && !name.isEmpty() && !"?".equals(name)) {
        return Optional.of(
            Path.of("/")
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(name));
      }
    } catch (IOException | RuntimeException e) {
      // No password entry (an arbitrary container uid): try the kernel's view below.
    }
    try {
      return Optional.of(Files.getOwner(Path.of("/proc/self")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private boolean createDirectory() throws IOException {
    @Nullable Path parent = directory.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } catch (FileAlreadyExistsException e) {
      // Checked by usableDirectory, like any existing one.
    }
    return true;
  }

  /**
   * The directory itself (not a symlink), ours, and closed to group and others; one of ours that is
   * open is closed, and what it held is deleted unread: while it was open, anyone could have put an
   * entry there. Another user's directory is never used.
   */
  private boolean usableDirectory(UserPrincipal me) throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!attributes.isDirectory() || !me.equals(attributes.owner())) {
      return false;
    }
    if (!OWNER_ONLY_DIRECTORY.equals(attributes.permissions())) {
      Files.setPosixFilePermissions(directory, OWNER_ONLY_DIRECTORY);
      purge();
    }
    return true;
  }

  /** Deletes every entry and temp file, without reading any. */
  private void purge() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = String.valueOf(entry.getFileName());
        if (name.endsWith(SUFFIX) || name.endsWith(".tmp")) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }

  /**
   * Holds {@code key} against other {@code ferry token} runs of this user, waiting up to {@code
   * wait}: two cache misses at once would each spend the platform token, which a single-use trust
   * policy allows once. Empty when the lock cannot be had in time or at all; the caller then goes
   * ahead unlocked, as without a cache.
   */
  public Optional<Lock> lock(String key, Duration wait) {
    if (!KEY.matcher(key).matches()) {
      return Optional.empty();
    }
    @Nullable FileChannel channel = null;
    try {
      Optional<UserPrincipal> me = me();
      if (me.isEmpty() || !createDirectory() || !usableDirectory(me.get())) {
        return Optional.empty();
      }
      Path file = directory.resolve(key + LOCK_SUFFIX);
      channel =
          FileChannel.open(
              file,
              Set.of(
                  StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      PosixFileAttributes attributes =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile() || !me.get().equals(attributes.owner())) {
        channel.close();
        return Optional.empty();
      }
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        @Nullable FileLock held = tryLock(channel);
        if (held != null) {
          // A lock file in use is fresh, so the sweep leaves it alone.
          Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
          return Optional.of(new Lock(channel, held));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          channel.close();
          return Optional.empty();
        }
        Thread.sleep(Duration.ofNanos(Math.min(left, LOCK_POLL.toNanos())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      return Optional.empty();
    }
  }

  /** The lock, or null while another process (or another channel of this one) holds it. */
  private static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Closing releases the lock; nothing more to do.
      }
    }
  }

  /** A held {@link #lock}; closing it releases the key. */
  public static final class Lock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock held;

    private Lock(FileChannel channel, FileLock held) {
      this.channel = channel;
      this.held = held;
    }

    @Override
    public void close() {
      try {
        held.release();
      } catch (IOException e) {
        // Closing the channel below releases it too.
      }
      closeQuietly(channel);
    }
  }

  /**
   * The token in {@code file} if it is a regular file of ours, 0600 or stricter, with no other name
   * (a hard link could have been made while the directory was open, or point elsewhere), that
   * parses and was written for {@code key}.
   */
  private static Optional<IssuedToken> read(Path file, String key, UserPrincipal me)
      throws IOException {
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()
        || !me.equals(attributes.owner())
        || !OWNER_ONLY_FILE.containsAll(attributes.permissions())
        || attributes.size() > MAX_BYTES
        || !Integer.valueOf(1)
            .equals(Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS))) {
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      return Optional.empty();
    }
    return decode(bytes, key);
  }

  private static byte[] encode(String key, IssuedToken token) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField("version", VERSION);
      json.writeStringField("key", key);
      json.writeStringField("expiresAt", String.valueOf(token.expiresAt()));
      json.writeStringField("token", token.token());
      json.writeStringField("response", token.response());
      json.writeEndObject();
    }
    return out.toByteArray();
  }

  /**
   * The token a file holds for {@code key}; empty unless every field is there, of its type, and
   * nothing else.
   */
  private static Optional<IssuedToken> decode(byte[] bytes, String key) throws IOException {
    @Nullable Integer version = null;
    @Nullable String writtenFor = null;
    @Nullable Instant expiresAt = null;
    @Nullable String token = null;
    @Nullable String response = null;
    try (JsonParser json = JSON.createParser(bytes)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "version" -> {
            if (value != JsonToken.VALUE_NUMBER_INT) {
              return Optional.empty();
            }
            version = json.getIntValue();
          }
          case "key", "expiresAt", "token", "response" -> {
            if (value != JsonToken.VALUE_STRING) {
              return Optional.empty();
            }
            String text = json.getText();
            if ("key".equals(field)) {
              writtenFor = text;
            } else if ("expiresAt".equals(field)) {
              expiresAt = Instant.parse(text);
            } else if ("token".equals(field)) {
              token = text;
            } else {
              response = text;
            }
          }
          default -> {
            return Optional.empty();
          }
        }
      }
      if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        return Optional.empty();
      }
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    if (version == null
        || version != VERSION
        || !key.equals(writtenFor)
        || expiresAt == null
        || token == null
        || token.isEmpty()
        || response == null) {
      return Optional.empty();
    }
    return Optional.of(new IssuedToken(token, expiresAt, response));
  }

  /**
   * Removes our entries that have expired and temp files a crashed put left: a rotating
   * service-account token makes a new key every hour, and they would pile up.
   */
  private void sweep(String keep, UserPrincipal me) {
    Instant now = clock.instant();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = String.valueOf(entry.getFileName());
        try {
          PosixFileAttributes attributes =
              Files.readAttributes(entry, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (!attributes.isRegularFile() || !me.equals(attributes.owner())) {
            continue;
          }
          boolean expired =
              name.endsWith(SUFFIX)
                  && !name.equals(keep + SUFFIX)
                  && KEY.matcher(name.substring(0, name.length() - SUFFIX.length())).matches()
                  && read(entry, name.substring(0, name.length() - SUFFIX.length()), me)
                      .map(t -> !isAfter(t, now))
                      .orElse(false);
          boolean staleTemp =
              name.startsWith(".")
                  && name.endsWith(".tmp")
                  && attributes.lastModifiedTime().toInstant().plus(STALE_TEMP).isBefore(now);
          // A lock file is touched whenever it is taken: one untouched for an hour is unused.
          boolean staleLock =
              name.endsWith(LOCK_SUFFIX)
                  && !name.equals(keep + LOCK_SUFFIX)
                  && attributes.lastModifiedTime().toInstant().plus(STALE_TEMP).isBefore(now);
          if (expired || staleTemp || staleLock) {
            Files.deleteIfExists(entry);
          }
        } catch (IOException | RuntimeException e) {
          // One entry we cannot judge stays; the next put looks again.
        }
      }
    } catch (IOException | RuntimeException e) {
      // Sweeping is housekeeping; the token was stored.
    }
  }

  private static boolean isAfter(IssuedToken token, Instant now) {
    Instant expiresAt = token.expiresAt();
    return expiresAt != null && expiresAt.isAfter(now);
  }
}
