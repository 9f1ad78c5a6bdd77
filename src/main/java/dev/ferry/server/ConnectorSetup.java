package dev.ferry.server;

import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.connector.gitlab.GitlabConnectorFactory;
import dev.ferry.connector.local.LocalConnectorFactory;
import dev.ferry.connector.local.PasswordCheckLimiter;
import dev.ferry.connector.mock.MockCallbackConnectorFactory;
import dev.ferry.connector.mock.MockPasswordConnectorFactory;
import dev.ferry.connector.oidc.OidcConnectorFactory;
import dev.ferry.connector.upstream.UpstreamBulkhead;
import dev.ferry.connector.upstream.UpstreamHttpSettings;
import dev.ferry.cpu.CpuLane;
import dev.ferry.storage.Password;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The connector types Ferry serves: one line per type. {@code serve}, {@code config check} and the
 * config's list of known types all read this registry, so a new type is its package plus its line
 * here.
 */
public final class ConnectorSetup {
  private ConnectorSetup() {}

  /** For registries that open no {@code local} connector (config checks, tools): no entries. */
  public static final Function<String, Optional<Password>> NO_PASSWORDS = email -> Optional.empty();

  /**
   * The registry with every served type; {@code clock} drives token and cache lifetimes, {@code
   * cpu} is where upstream signatures are checked (the server's CPU workers), {@code passwords} is
   * the storage the built-in {@code local} connector reads ({@code storage.passwords()::get}).
   */
  public static ConnectorRegistry registry(
      Clock clock, CpuLane cpu, Function<String, Optional<Password>> passwords) {
    UpstreamHttpSettings http = UpstreamHttpSettings.defaults();
    UpstreamBulkhead.Limits bulkhead = UpstreamBulkhead.Limits.defaults();
    return new ConnectorRegistry(
        List.of(
            new OidcConnectorFactory(clock, http, cpu, bulkhead),
            new GitlabConnectorFactory(clock, http, bulkhead),
            new MockCallbackConnectorFactory(),
            new MockPasswordConnectorFactory(),
            new LocalConnectorFactory(
                passwords, new PasswordCheckLimiter(PasswordCheckLimiter.Limits.defaults()))));
  }

  /**
   * Every connector type a config may name, for config loading; no connector is opened, so the
   * clock does not matter.
   */
  public static List<String> knownTypes() {
    return registry(Clock.systemUTC(), CpuLane.direct(), NO_PASSWORDS).knownTypes();
  }
}
