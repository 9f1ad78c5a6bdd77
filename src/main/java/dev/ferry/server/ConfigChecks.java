package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.connector.gitlab.GitlabConnectorFactory;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks {@code config check} adds to the file validation: each storage backend's and each
 * served connector's own config, which only those packages understand.
 */
public final class ConfigChecks {
  private ConfigChecks() {}

  /** Problems, each naming its key; empty when the configuration can be served. */
  public static List<String> deepProblems(FerryConfig config) {
    List<String> problems = new ArrayList<>();
    problems.addAll(
        StorageSetup.factory().validate(config.storage().type(), config.storage().config()));
    for (int i = 0; i < config.connectors().size(); i++) {
      ConnectorConfig connector = config.connectors().get(i);
      String prefix = "connectors[" + i + "].config: ";
      List<String> connectorProblems =
          switch (connector.type()) {
            case "oidc" -> OidcConnectorFactory.validate(connector.config().toString());
            case "gitlab" -> GitlabConnectorFactory.validate(connector.config().toString());
            default -> List.of();
          };
      connectorProblems.forEach(problem -> problems.add(prefix + problem));
    }
    return problems;
  }
}
