package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An executable {@code ferry} in a directory of its own, running this build's classes in a new JVM:
 * recipes and kubeconfigs call {@code ferry} by name, as users' do, with this directory first on
 * their {@code PATH}.
 */
public final class FerryOnPath {
  private FerryOnPath() {}

  /** Writes {@code dir/ferry} and returns {@code dir}, to be put first on a {@code PATH}. */
  public static Path create(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String script =
        "#!/bin/sh\n"
            + "# ferry as bin/ferry runs it, on the classes of the build under test.\n"
            + "exec "
            + quote(java.toString())
            + " --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -cp "
            + quote(System.getProperty("java.class.path"))
            + " dev.ferry.cli.Main \"$@\"\n";
    Path ferry = dir.resolve("ferry");
    Files.writeString(ferry, script, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(ferry, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /** The {@code PATH} with {@code dir} first. */
  public static String path(Path dir) {
    String inherited = System.getenv("PATH");
    return dir + (inherited == null ? "" : ":" + inherited);
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
