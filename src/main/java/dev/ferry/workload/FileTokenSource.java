package dev.ferry.workload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A token in a file: a projected Kubernetes service-account token or any {@code file:PATH}. The
 * file is read afresh on every call because the kubelet rotates it, swapping the {@code ..data}
 * symlink its {@code token} link points through; following links is what picks up the new one.
 */
final class FileTokenSource extends LocalTokenSource {
  /** A JWT is a few kilobytes; this stops {@code file:/dev/zero} from filling memory. */
  private static final int MAX_BYTES = 64 * 1024;

  private final Path path;
  private final String whenMissing;

  /**
   * @param whenMissing what follows "no token file at PATH: " when there is none: the platform
   *     setting that provides it
   */
  FileTokenSource(String name, Path path, String whenMissing, Workplace place) {
    super(name, place);
    this.path = path;
    this.whenMissing = whenMissing;
  }

  @Override
  String where() {
    return Text.typed(path.toString());
  }

  @Override
  String read() throws WorkloadException {
    try {
      // A FIFO, a terminal or /dev/stdin would block the read forever; /dev/zero never ends.
      // Links are followed: the kubelet's token is a symlink to a regular file.
      if (!Files.readAttributes(path, BasicFileAttributes.class).isRegularFile()) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN,
            "the token file " + where() + " is not a regular file: " + whenMissing);
      }
    } catch (NoSuchFileException e) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "no token file at " + where() + ": " + whenMissing);
    } catch (IOException e) {
      // Reported by the read below, with its reason.
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw new WorkloadException(
            Failure.UPSTREAM_TOKEN,
            "the token file " + where() + " is larger than " + MAX_BYTES + " bytes; not a JWT");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN, "no token file at " + where() + ": " + whenMissing);
    } catch (AccessDeniedException e) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          "cannot read the token file " + where() + " (permission denied): " + whenMissing);
    } catch (IOException e) {
      throw new WorkloadException(
          Failure.UPSTREAM_TOKEN,
          "cannot read the token file "
              + where()
              + " ("
              + Text.typed(describe(e))
              + "): "
              + whenMissing);
    }
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
