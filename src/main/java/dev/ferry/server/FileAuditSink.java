package dev.ferry.server;

import dev.ferry.json.GoJson;
import dev.ferry.policy.AuditRecord;
import dev.ferry.policy.AuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Audit records as JSON lines in {@code audit.path}: opened for append (so several restarts, or a
 * log shipper that truncates, keep working) and created {@code 0600}, since the records name who
 * got which token. Each record is one {@code write} of one line under a lock, so lines from
 * concurrent exchanges never interleave. A failed write throws: the grant then withholds the token.
 */
final class FileAuditSink implements AuditSink, AutoCloseable {
  private final Path path;
  private final FileChannel channel;

  private FileAuditSink(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /**
   * @throws StartupException naming {@code audit.path} when the file cannot be opened
   */
  static FileAuditSink open(String file) throws StartupException {
    Path path = Path.of(file);
    try {
      Set<StandardOpenOption> options =
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      FileChannel channel =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? FileChannel.open(path, options, ownerOnly())
              : FileChannel.open(path, options);
      return new FileAuditSink(path, channel);
    } catch (IOException | RuntimeException e) {
      throw new StartupException("audit.path: cannot open " + file + ": " + e, e);
    }
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  @Override
  public void record(AuditRecord record) {
    ByteBuffer buffer =
        ByteBuffer.wrap(
            (GoJson.compactString(record.toMap()) + "\n").getBytes(StandardCharsets.UTF_8));
    synchronized (this) {
      try {
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("writing audit record to " + path, e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
