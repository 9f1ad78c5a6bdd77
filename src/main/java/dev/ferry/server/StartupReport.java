package dev.ferry.server;

import dev.ferry.config.ConnectorConfig;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.StaticClient;
import dev.ferry.endpoint.token.grant.GrantCatalogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code serve} says at start-up, as Dex does ({@code config issuer}, {@code config storage},
 * one line per connector and client), plus one warning for every configured feature Ferry parses
 * but does not serve yet, so that nothing is silently ignored, and one for every static client
 * whose {@code idEnv} or {@code secretEnv} variable is unset, and one for every warning the file
 * has ({@link FerryConfig#warnings()}: unprotected shared issuers, trust rules on mutable claims).
 */
public final class StartupReport {
  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

  private StartupReport() {}

  /** Logs the summary; {@code cryptoProvider} describes the JCA provider that signs. */
  public static void log(FerryConfig config, String cryptoProvider) {
    log.atInfo().setMessage("Ferry Version: " + Version.current()).log();
    log.atInfo().setMessage("config issuer").addKeyValue("issuer", config.issuer()).log();
    log.atInfo()
        .setMessage("config storage")
        .addKeyValue("storage_type", config.storage().type())
        .log();
    for (ConnectorConfig connector : config.connectors()) {
      log.atInfo()
          .setMessage("config connector")
          .addKeyValue("connector_id", connector.id())
          .addKeyValue("type", connector.type())
          .log();
    }
    for (StaticClient client : config.staticClients()) {
      log.atInfo()
          .setMessage("config static client")
          .addKeyValue("client_name", client.name())
          .log();
      warnAboutUnsetEnv(client);
    }
    log.atInfo()
        .setMessage("config grant types")
        .addKeyValue("grant_types", config.effectiveGrantTypes())
        .log();
    for (String feature : config.unsupportedFeatures()) {
      log.atWarn()
          .setMessage("configured feature is not supported by Ferry yet and is ignored")
          .addKeyValue("feature", feature)
          .log();
    }
    for (String warning : config.warnings()) {
      // The same texts `ferry config check` prints; Ferry serves anyway, as Dex would (issue 8).
      log.atWarn().setMessage("config warning").addKeyValue("warning", warning).log();
    }
    for (String grantType : config.effectiveGrantTypes()) {
      if (!GrantCatalogue.servedGrantTypes().contains(grantType)) {
        log.atWarn()
            .setMessage(
                "grant type is enabled by the configuration but not served by Ferry yet;"
                    + " /token answers unsupported_grant_type")
            .addKeyValue("grant_type", grantType)
            .log();
      }
    }
    log.atInfo().setMessage("crypto provider").addKeyValue("provider", cryptoProvider).log();
  }

  /**
   * Dex reads an unset {@code idEnv} or {@code secretEnv} as the empty string, without a word; for
   * a secret that means a confidential client that authenticates with no secret at all. Ferry keeps
   * the behaviour but says so: a misspelt variable name must not go unnoticed.
   */
  private static void warnAboutUnsetEnv(StaticClient client) {
    if (!client.idEnv().isEmpty() && client.id().isEmpty()) {
      log.atWarn()
          .setMessage(
              "static client idEnv names an unset or empty variable: the client id is empty")
          .addKeyValue("client_name", client.name())
          .addKeyValue("env", client.idEnv())
          .log();
    }
    if (!client.secretEnv().isEmpty() && client.secret().isEmpty()) {
      log.atWarn()
          .setMessage(
              "static client secretEnv names an unset or empty variable: the client"
                  + " authenticates without a secret")
          .addKeyValue("client_name", client.name())
          .addKeyValue("env", client.secretEnv())
          .log();
    }
  }
}
