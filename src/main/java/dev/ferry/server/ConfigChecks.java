package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.cpu.CpuLane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks {@code config check} adds to the file validation: each storage backend's and each
 * served connector's own config, which only those packages understand, and the frontend's files.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /** Problems, each naming its key; empty when the configuration can be served. */
  public static List<String> deepProblems(FerryConfig config) {
    // Validating opens nothing, so the clock the factories get does not matter.
    ConnectorRegistry connectorTypes =
        ConnectorSetup.registry(Clock.systemUTC(), CpuLane.direct(), ConnectorSetup.NO_PASSWORDS);
    List<String> problems = new ArrayList<>();
    problems.addAll(
        StorageSetup.factory().validate(config.storage().type(), config.storage().config()));
    config
        .audit()
        .path()
        .filter(path -> !path.isEmpty())
        .flatMap(ConfigChecks::auditPathProblem)
        .ifPresent(problems::add);
    FrontendSetup.problem(config).ifPresent(problems::add);
    for (int i = 0; i < config.connectors().size(); i++) {
      ConnectorConfig connector = config.connectors().get(i);
      String prefix = "connectors[" + i + "].config: ";
      connectorTypes
          .validate(connector.type(), connector.config().toString())
          .forEach(problem -> problems.add(prefix + problem));
    }
    return problems;
  }

  /**
   * What would stop {@code serve} from opening {@code audit.path} (it creates the file, not its
   * directory), said before start-up.
   */
  private static Optional<String> auditPathProblem(String file) {
    Path path = Path.of(file).toAbsolutePath();
    if (Files.isDirectory(path)) {
      return Optional.of("audit.path: " + file + " is a directory, not a file");
    }
    Path directory = path.getParent();
    if (directory != null && !Files.isDirectory(directory)) {
      return Optional.of("audit.path: the directory " + directory + " does not exist");
    }
    return Optional.empty();
  }
}
