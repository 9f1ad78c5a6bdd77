package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Loads YAML text as a config file named {@value #FILE}, with a given environment. */
final class Fixtures {
  static final String FILE = "ferry-test.yaml";

  /** The smallest valid file; tests append sections to it. */
  static final String MINIMAL =
      """
      issuer: https://dex.example.com
      storage:
        type: memory
      web:
        http: 127.0.0.1:5556
      """;

  private Fixtures() {}

  static FerryConfig load(String yaml) throws ConfigException {
    return load(yaml, Map.of());
  }

  static FerryConfig load(String yaml, Map<String, String> env) throws ConfigException {
    return new ConfigLoader(env).parse(yaml, Path.of(FILE), ListenOverrides.NONE);
  }

  static List<Problem> problems(String yaml) {
    return problems(yaml, Map.of());
  }

  static List<Problem> problems(String yaml, Map<String, String> env) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(
            () -> {
              try {
                load(yaml, env);
              } catch (ConfigException e) {
                caught[0] = e;
                throw e;
              }
            })
        .isInstanceOf(ConfigException.class);
    return caught[0].problems();
  }
}
