package dev.ferry.recipes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A projected volume as the kubelet's atomic writer lays it out: each file is a symlink {@code name
 * -> ..data/name}, {@code ..data} is a symlink to a timestamped directory {@code
 * ..2024_05_01_12_00_00.123456789}, and an update writes a new timestamped directory, points a
 * {@code ..data_tmp} symlink at it and renames that over {@code ..data} (one atomic step), then
 * removes the old directory. A reader that opens {@code name} sees the old file or the new one,
 * never a half-written one, and a reader that kept the old file's resolved path loses it.
 */
final class KubeProjectedVolume {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  private final Path dir;
  private final Clock clock;
  private int writes;

  KubeProjectedVolume(Path dir, Clock clock) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.clock = clock;
  }

  /** Projects {@code content} as {@code name}, replacing every earlier projection atomically. */
  void project(String name, String content) throws IOException {
    Path data = dir.resolve("..data");
    @Nullable Path previous = Files.isSymbolicLink(data) ? Files.readSymbolicLink(data) : null;
    // The counter keeps two updates within one clock tick apart, as the kubelet's own
    // timestamps (to the nanosecond, plus a random suffix) do.
    String stamp = ".." + STAMP.format(clock.instant()) + "_" + writes++;
    Path next = Files.createDirectory(dir.resolve(stamp));
    Files.writeString(next.resolve(name), content, StandardCharsets.UTF_8);
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(stamp));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path visible = dir.resolve(name);
    if (!Files.isSymbolicLink(visible)) {
      Files.createSymbolicLink(visible, Path.of("..data", name));
    }
    if (previous != null) {
      deleteTree(dir.resolve(previous));
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
