package dev.ferry.recipes;

import dev.ferry.server.RunningFerry;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Ferry started from a recipe's {@code ferry.yaml} as written, with only what names the user's
 * machines replaced by local stand-ins: Ferry's issuer URL, the platform's issuer URL, the listen
 * address and the database file.
 */
final class RecipeFerry {
  static final String DOCUMENTED_ISSUER = "https://ferry.example.com";
  static final String DOCUMENTED_LISTEN = "0.0.0.0:5556";
  static final String DOCUMENTED_DATABASE = "/var/lib/ferry/ferry.db";

  private RecipeFerry() {}

  /**
   * Starts Ferry on {@code config} with {@code documentedUpstream} (say {@code https://gitlab.com})
   * replaced by {@code upstream}. Ferry and the upstream keep real time: the recipes' {@code ferry}
   * runs in its own JVM on the system clock.
   */
  static RunningFerry start(Path dir, Path config, String documentedUpstream, String upstream)
      throws Exception {
    String yaml = Recipes.read(config);
    yaml = Recipes.replaceDocumented(yaml, DOCUMENTED_ISSUER, "${ISSUER}");
    yaml = Recipes.replaceDocumented(yaml, documentedUpstream, upstream);
    yaml = Recipes.replaceDocumented(yaml, DOCUMENTED_LISTEN, "${WEB}");
    yaml = Recipes.replaceDocumented(yaml, DOCUMENTED_DATABASE, dir.resolve("ferry.db").toString());
    int port = RunningFerry.freePort();
    return RunningFerry.start(
        dir, yaml, Clock.systemUTC(), "http://127.0.0.1:" + port + "/dex", port);
  }
}
