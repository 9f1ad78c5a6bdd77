package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ferry token}'s JVM options and class archive: whatever state the archive is in
 * (missing, recorded, broken, older than the jar, in a directory that cannot be created), the
 * command prints exactly what it prints in process and nothing else, because kubectl reads its
 * standard output and shows its standard error. Runs the real launcher on a jar of this build's
 * classes, laid out as {@code target/} is.
 */
class TokenLauncherTest {
  @TempDir static Path dir;
  private static Path launcher;
  private static Path jar;
  private static String help;

  @BeforeAll
  static void install() throws IOException {
    Path root = dir.resolve("ferry");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("target/lib"));
    for (String script : List.of("bin/ferry", "bin/find-jdk")) {
      Files.copy(Path.of(script), root.resolve(script));
    }
    launcher = root.resolve("bin/ferry");
    assertThat(launcher).isExecutable();
    jar = root.resolve("target/ferry.jar");
    writeJar(jar);
    StringWriter out = new StringWriter();
    int status =
        Main.run(
            new PrintWriter(out, true), new PrintWriter(new StringWriter()), "token", "--help");
    assertThat(status).isZero();
    help = out.toString();
  }

  /**
   * {@code target/ferry.jar} as the build makes it: this build's main classes, and a manifest whose
   * class path names the dependency jars (here where Maven keeps them, not in {@code lib/}).
   */
  private static void writeJar(Path target) throws IOException {
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        classPath.add(Path.of(entry).toUri().toString());
      }
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    Path classes = Path.of("target/classes");
    try (OutputStream file = Files.newOutputStream(target);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path path : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    }
  }

  private record Run(int status, String out, String err) {}

  private static Run ferry(Path cache, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("FERRY_") || name.startsWith("JAVA"));
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("XDG_CACHE_HOME", cache.toString());
    environment.putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        builder
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("ferry %s finished", command).isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** What bin/ferry token --help must print: the in-process help, on stdout only. */
  private static void assertHelp(Run run) {
    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo(help);
  }

  private static List<Path> archives(Path cache) throws IOException {
    try (Stream<Path> files = Files.list(cache.resolve("ferry/jvm"))) {
      return files.sorted().toList();
    }
  }

  /** Makes the JVM fail unless it maps the archive: proof that it is used. */
  private static final Map<String, String> ARCHIVE_REQUIRED =
      Map.of("FERRY_JAVA_OPTS", "-Xshare:on");

  @Test
  void recordsTheArchiveUsesItAndIgnoresABrokenOne() throws Exception {
    Path cache = dir.resolve("cache-auto");

    assertHelp(ferry(cache, Map.of("FERRY_TOKEN_ARCHIVE_WAIT", "1"), "token", "--help"));
    Path archive = archives(cache).getFirst();
    assertThat(archives(cache)).containsExactly(archive);
    assertThat(archive.getFileName().toString()).startsWith("token-").endsWith(".jsa");
    assertHelp(ferry(cache, ARCHIVE_REQUIRED, "token", "--help"));

    // Broken (another JDK's, or written by something else) and newer than the jar: the JVM
    // ignores it, silently.
    Files.writeString(archive, "not an archive");
    Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(3600)));
    assertHelp(ferry(cache, Map.of(), "token", "--help"));
  }

  @Test
  void underHomeWhenXdgCacheHomeIsRelativeAndRecordedAgainWhenOlderThanTheJar() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    // A relative XDG_CACHE_HOME is ignored (the XDG spec), as ferry token's cache ignores it.
    Map<String, String> record = Map.of("HOME", home.toString(), "FERRY_TOKEN_ARCHIVE_WAIT", "1");
    Path relative = Path.of("relative-cache");
    assertHelp(ferry(relative, record, "token", "--help"));
    assertThat(relative).doesNotExist();
    Path cache = home.resolve(".cache");
    Path archive = archives(cache).getFirst();
    assertThat(archives(cache)).containsExactly(archive);
    assertThat(archive.getFileName().toString()).startsWith("token-").endsWith(".jsa");
    assertHelp(
        ferry(
            relative,
            Map.of("HOME", home.toString(), "FERRY_JAVA_OPTS", "-Xshare:on"),
            "token",
            "--help"));

    // The jar was rebuilt after it: recorded again.
    Files.setLastModifiedTime(archive, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    assertHelp(ferry(relative, record, "token", "--help"));
    assertThat(archives(cache)).containsExactly(archive);
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
  }

  @Test
  void noArchiveWhereTheCacheDirectoryCannotBeMadeAndUsageErrorsStayOneLine() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("cache-is-a-file"), "");
    assertHelp(ferry(notADirectory, Map.of(), "token", "--help"));

    Run usage = ferry(notADirectory, Map.of(), "token", "--no-such-flag");
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.out()).isEmpty();
    assertThat(usage.err().lines()).singleElement().asString().startsWith("error: ");

    Run version = ferry(dir.resolve("cache-version"), Map.of(), "version");
    assertThat(version.err()).isEmpty();
    assertThat(version.status()).isZero();
    assertThat(version.out()).startsWith("Ferry Version: ");
    assertThat(dir.resolve("cache-version")).as("no archive for other commands").doesNotExist();
  }
}
