package dev.ferry.cli;

import dev.ferry.config.ConfigException;
import dev.ferry.config.ConfigLoader;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.ListenOverrides;
import dev.ferry.server.ConnectorSetup;
import dev.ferry.server.FerryServer;
import dev.ferry.server.LogSetup;
import dev.ferry.server.StartupException;
import dev.ferry.server.StartupReport;
import dev.ferry.signer.CryptoProviders;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry serve CONFIG}: runs the provider until SIGTERM/SIGINT (Dex: {@code dex serve}); on
 * SIGHUP it reloads a changed TLS certificate and key, as Dex does, instead of exiting.
 */
@Command(name = "serve", description = "Launch Ferry.")
final class ServeCommand implements Callable<Integer> {
  @Spec @org.jspecify.annotations.Nullable CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Dex/Ferry YAML config file")
  @org.jspecify.annotations.Nullable
  Path file;

  @Option(names = "--web-http-addr", description = "Web HTTP address (overrides web.http)")
  String webHttp = "";

  @Option(names = "--web-https-addr", description = "Web HTTPS address (overrides web.https)")
  String webHttps = "";

  @Option(names = "--telemetry-addr", description = "Telemetry address (overrides telemetry.http)")
  String telemetry = "";

  @Option(names = "--grpc-addr", description = "gRPC API address (overrides grpc.addr)")
  String grpc = "";

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err =
        spec == null
            ? new PrintWriter(System.err, false, System.err.charset())
            : spec.commandLine().getErr();
    Path path = java.util.Objects.requireNonNull(file);
    FerryConfig config;
    try {
      config =
          new ConfigLoader(System.getenv(), ConnectorSetup.knownTypes())
              .load(path, new ListenOverrides(webHttp, webHttps, telemetry, grpc));
    } catch (ConfigException e) {
      err.println("ferry: " + e.getMessage());
      err.flush();
      return 1;
    }
    LogSetup.configure(
        config.logger().level().slf4j(),
        config.logger().format().name(),
        config.logger().excludeFields());
    StartupReport.log(config, CryptoProviders.installPreferred());
    FerryServer server;
    try {
      server = FerryServer.start(config, Clock.systemUTC(), new SecureRandom());
    } catch (StartupException e) {
      err.println("ferry: " + e.getMessage());
      err.flush();
      return 1;
    }
    onHangup(() -> {
      LoggerFactory.getLogger(ServeCommand.class)
          .info("SIGHUP received: checking the TLS certificate and key for a change");
      server.reloadTls();
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "ferry-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Runs {@code action} on SIGHUP. Dex reloads its TLS certificate on SIGHUP and keeps serving
   * ({@code systemctl reload}, certbot deploy hooks); the JVM's default is to exit.
   *
   * @return whether the handler could be installed (not where there is no SIGHUP, or with -Xrs)
   */
  @SuppressWarnings("ReferenceEquality") // a proxy equals only itself, as Object.equals does
  static boolean onHangup(Runnable action) {
    // sun.misc.Signal (module jdk.unsupported) is the JDK's only signal API. It is reached by
    // reflection because javac's "internal proprietary API" warning cannot be suppressed under
    // --release, and warnings fail the build.
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              handlerType.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                  return switch (method.getName()) {
                    case "equals" -> args != null && proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "SIGHUP handler";
                  };
                }
                action.run(); // SignalHandler.handle(Signal)
                return null;
              });
      Object hup = signalType.getConstructor(String.class).newInstance("HUP");
      signalType.getMethod("handle", signalType, handlerType).invoke(null, hup, handler);
      return true;
    } catch (InvocationTargetException e) {
      // Signal.handle throws IllegalArgumentException where there is no SIGHUP, or with -Xrs.
      if (e.getCause() instanceof IllegalArgumentException) {
        return false;
      }
      throw new IllegalStateException("cannot install the SIGHUP handler", e.getCause());
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
