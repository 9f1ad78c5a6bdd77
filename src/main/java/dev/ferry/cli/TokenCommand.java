package dev.ferry.cli;

import dev.ferry.workload.ExchangeRequest;
import dev.ferry.workload.Exchanger;
import dev.ferry.workload.Failure;
import dev.ferry.workload.Grant;
import dev.ferry.workload.IssuedToken;
import dev.ferry.workload.Output;
import dev.ferry.workload.SourceOptions;
import dev.ferry.workload.Sources;
import dev.ferry.workload.Text;
import dev.ferry.workload.TokenCache;
import dev.ferry.workload.TokenSource;
import dev.ferry.workload.UpstreamToken;
import dev.ferry.workload.WorkloadException;
import dev.ferry.workload.Workplace;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry token}: a CI job's or a pod's OIDC token in, a Ferry token out. The warm path (a
 * cache hit) reads one small file and touches no network and none of the exchange's classes,
 * because kubectl runs this on every command.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    sortOptions = false,
    description = {
      "Get a token from a Ferry issuer for this CI job or pod: obtain the platform's OIDC token,"
          + " exchange it at the issuer, cache the result and print it.",
      "",
      "Exit status: 0 success, 1 internal error, 2 usage, 3 platform token, 4 exchange"
          + " refused, 5 network, 6 output.",
    },
    footerHeading = "%nExamples:%n",
    // Pre-wrapped: each line is shorter than picocli's usage width, so picocli never breaks a
    // command in the middle of a value, and every continued line ends in " \\" for the shell.
    footer = {
      "  GitHub Actions (permissions: id-token: write):",
      "    ferry token --from github-actions --upstream-audience ferry \\",
      "      --issuer https://ferry.example.com --client-id ci --connector github",
      "  GitLab CI (id_tokens: FERRY_ID_TOKEN: aud: ferry):",
      "    ferry token --from gitlab --issuer https://ferry.example.com \\",
      "      --client-id ci --connector gitlab",
      "  Kubernetes (a projected service-account token with audience ferry):",
      "    ferry token --from kubernetes --token-file /var/run/secrets/ferry/token \\",
      "      --issuer https://ferry.example.com --client-id billing \\",
      "      --connector cluster",
      "  Buildkite (in a job: the agent sets BUILDKITE_JOB_ID):",
      "    ferry token --from buildkite --upstream-audience ferry \\",
      "      --issuer https://ferry.example.com --client-id ci --connector buildkite",
      "  CircleCI:",
      "    ferry token --from circleci --issuer https://ferry.example.com \\",
      "      --client-id ci --connector circleci",
      "  A federated client, client credentials:",
      "    ferry token --from kubernetes --grant client-credentials --federated \\",
      "      --issuer https://ferry.example.com --client-id billing",
      "  kubectl (a kubeconfig user's exec args, here as one command):",
      "    ferry token --from file:/path/token --output exec-credential \\",
      "      --issuer https://ferry.example.com --client-id kubectl \\",
      "      --connector cluster",
    })
final class TokenCommand implements Callable<Integer> {
  /** Issuer requests give up after this long: a CI step or kubectl must not hang. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Set by bin/ferry's recording run (see {@link #token}). */
  static final String RECORDING = "FERRY_TOKEN_RECORDING";

  private final Workplace place;

  @Spec @Nullable CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "SOURCE",
      defaultValue = Sources.AUTO,
      description =
          "Where the platform token comes from: github-actions, gitlab, kubernetes, buildkite,"
              + " circleci, file:PATH, env:NAME or auto (the default: picked from the"
              + " environment, and said on stderr).")
  String from = Sources.AUTO;

  @Option(
      names = "--upstream-audience",
      paramLabel = "AUD",
      description = "The audience asked of GitHub Actions or Buildkite for the platform token.")
  @Nullable String upstreamAudience;

  @Option(
      names = "--token-env",
      paramLabel = "NAME",
      description = "GitLab: the id_tokens variable holding the token (default FERRY_ID_TOKEN).")
  @Nullable String tokenEnv;

  @Option(
      names = "--token-file",
      paramLabel = "PATH",
      description =
          // Not the default path itself: too long for the column, picocli would break it.
          "Kubernetes: the projected service-account token (default: the pod's own"
              + " service-account token).")
  @Nullable Path tokenFile;

  @Option(
      names = "--issuer",
      required = true,
      paramLabel = "URL",
      description = "The Ferry issuer URL; its discovery document gives the token endpoint.")
  @Nullable String issuer;

  @Option(
      names = "--client-id",
      required = true,
      paramLabel = "ID",
      description = "Ferry client id.")
  @Nullable String clientId;

  @Option(
      names = "--client-secret-env",
      paramLabel = "NAME",
      description =
          "The environment variable holding the client secret. Without it the client is public,"
              + " or federated with --federated.")
  @Nullable String clientSecretEnv;

  @Option(
      names = "--federated",
      description =
          "Authenticate the client with the platform token as its client assertion (the client's"
              + " federatedCredentials in Ferry's config).")
  boolean federated;

  @Option(
      names = "--connector",
      paramLabel = "ID",
      description = "The connector that verifies the platform token (connector_id).")
  @Nullable String connector;

  @Option(
      names = "--scope",
      paramLabel = "SCOPE",
      description = "Scopes to ask for; repeatable, or space-separated.")
  List<String> scopes = new ArrayList<>();

  @Option(
      names = "--audience",
      paramLabel = "AUD",
      description = "An audience for the issued token (RFC 8693); repeatable.")
  List<String> audiences = new ArrayList<>();

  @Option(
      names = "--resource",
      paramLabel = "URI",
      description = "A resource for the issued token (RFC 8707); repeatable.")
  List<String> resources = new ArrayList<>();

  @Option(
      names = "--requested-token-type",
      paramLabel = "TYPE",
      description =
          "access_token, id_token, refresh_token or a token-type URN (token exchange only;"
              + " default Ferry's).")
  @Nullable String requestedTokenType;

  @Option(
      names = "--grant",
      paramLabel = "GRANT",
      defaultValue = "token-exchange",
      converter = GrantConverter.class,
      description = "token-exchange (default), jwt-bearer or client-credentials.")
  Grant grant = Grant.TOKEN_EXCHANGE;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "token",
      converter = OutputConverter.class,
      description = "token (default: the bare token), json, env or exec-credential.")
  Output output = Output.TOKEN;

  @Option(
      names = "--no-cache",
      description = "Neither read nor write the cache ($XDG_CACHE_HOME/ferry).")
  boolean noCache;

  TokenCommand(Workplace place) {
    this.place = place;
  }

  @Override
  public Integer call() {
    PrintWriter out =
        spec == null
            ? new PrintWriter(System.out, true, StandardCharsets.UTF_8)
            : spec.commandLine().getOut();
    PrintWriter err =
        spec == null
            ? new PrintWriter(System.err, true, StandardCharsets.UTF_8)
            : spec.commandLine().getErr();
    try {
      out.print(token(err));
      if (out.checkError()) {
        // A closed pipe or a full disk: the caller did not get the token, so this is no success.
        err.println("error: cannot write the token to standard output");
        err.flush();
        return Failure.OUTPUT.exitStatus();
      }
      return 0;
    } catch (WorkloadException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return e.failure().exitStatus();
    }
  }

  private String token(PrintWriter err) throws WorkloadException {
    ExchangeRequest request = request();
    @Nullable TokenSource source = null;
    // Said only when the platform is asked: kubectl would show it on every cache hit.
    List<String> notices = new ArrayList<>();
    if (request.needsUpstreamToken()) {
      source =
          Sources.resolve(
              from, new SourceOptions(upstreamAudience, tokenEnv, tokenFile), place, notices::add);
    }
    @Nullable TokenCache cache = null;
    String key = "";
    Optional<Path> cacheDirectory = noCache ? Optional.empty() : TokenCache.directory(place);
    if (cacheDirectory.isPresent()) {
      cache = new TokenCache(cacheDirectory.get(), place.clock());
      key = TokenCache.key(cacheInputs(request, source));
      Optional<IssuedToken> cached = cache.get(key);
      if (cached.isPresent()) {
        return output.render(cached.get(), place.clock());
      }
    }
    if (place.env().get(RECORDING) != null) {
      // bin/ferry records the warm path for its class archive by running the user's command
      // again: a miss there must not fetch a platform token or ask the issuer for one.
      throw new WorkloadException(Failure.USAGE, "not in the cache (class archive recording)");
    }
    // Another run may be exchanging the same inputs: wait for it, then take what it stored.
    Optional<TokenCache.Lock> lock =
        cache == null ? Optional.empty() : cache.lock(key, DEFAULT_TIMEOUT);
    try {
      if (cache != null) {
        Optional<IssuedToken> cached = cache.get(key);
        if (cached.isPresent()) {
          return output.render(cached.get(), place.clock());
        }
      }
      for (String notice : notices) {
        err.println("ferry: " + notice);
      }
      err.flush();
      @Nullable UpstreamToken upstream = source == null ? null : source.fetch();
      IssuedToken issued = new Exchanger(place, DEFAULT_TIMEOUT).exchange(request, upstream);
      String text = output.render(issued, place.clock());
      if (cache != null) {
        cache.put(key, issued);
      }
      return text;
    } finally {
      lock.ifPresent(TokenCache.Lock::close);
    }
  }

  private ExchangeRequest request() throws WorkloadException {
    URI issuerUri = issuerUri();
    @Nullable String secret = null;
    if (clientSecretEnv != null) {
      secret = place.env().get(clientSecretEnv);
      if (secret == null || secret.isEmpty()) {
        throw new WorkloadException(
            Failure.USAGE,
            "--client-secret-env names " + clientSecretEnv + ", which is not set or empty");
      }
      if (federated) {
        throw new WorkloadException(
            Failure.USAGE,
            "--client-secret-env and --federated are two ways to authenticate; pick one");
      }
    }
    List<String> scopeList = new ArrayList<>();
    for (String scope : scopes) {
      scopeList.addAll(Arrays.stream(scope.split(" ")).filter(s -> !s.isEmpty()).toList());
    }
    ExchangeRequest request =
        new ExchangeRequest(
            issuerUri,
            grant,
            clientId == null ? "" : clientId,
            secret,
            federated,
            connector,
            scopeList,
            audiences,
            resources,
            requestedTokenType);
    // Before any source is read: a wrong flag is a usage error, not a missing token.
    request.validate();
    return request;
  }

  private URI issuerUri() throws WorkloadException {
    String value = issuer == null ? "" : issuer;
    try {
      URI uri = new URI(value);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (java.net.URISyntaxException e) {
      // Reported below with the value, as any other unusable issuer.
    }
    throw new WorkloadException(
        Failure.USAGE,
        "--issuer must be an http(s) URL without query or fragment: " + Text.typed(value));
  }

  /** Every input that shapes the issued token: a change in any of them is another cache entry. */
  private List<String> cacheInputs(ExchangeRequest request, @Nullable TokenSource source)
      throws WorkloadException {
    List<String> inputs = new ArrayList<>();
    inputs.add("v2");
    inputs.add(request.issuer().toString());
    inputs.add(request.grant().flag());
    inputs.add(request.clientId());
    inputs.add(
        optional(
            request.clientSecret() == null
                ? null
                : TokenCache.key(List.of(request.clientSecret()))));
    inputs.add(Boolean.toString(request.federated()));
    inputs.add(optional(request.connectorId()));
    // Each list as its length and then its values, so ["a b"] and ["a", "b"] differ.
    for (List<String> list : List.of(request.scopes(), request.audiences(), request.resources())) {
      inputs.add(Integer.toString(list.size()));
      inputs.addAll(list);
    }
    inputs.add(optional(request.requestedTokenType()));
    inputs.add(source == null ? "" : source.name());
    inputs.add(source == null ? "" : source.cacheIdentity());
    return inputs;
  }

  /** Absent and each given value are distinct inputs: no value stands for "not given". */
  private static String optional(@Nullable String value) {
    return value == null ? "absent" : "given:" + value;
  }

  /** {@code --grant}'s values are the flag spellings, not the enum's names. */
  static final class GrantConverter implements CommandLine.ITypeConverter<Grant> {
    @Override
    public Grant convert(String value) {
      return byFlag(value, Grant.values(), Grant::flag);
    }
  }

  /** {@code --output}'s values are the flag spellings, not the enum's names. */
  static final class OutputConverter implements CommandLine.ITypeConverter<Output> {
    @Override
    public Output convert(String value) {
      return byFlag(value, Output.values(), Output::flag);
    }
  }

  /** The value whose flag spelling is {@code value}, or an error listing the spellings. */
  private static <T> T byFlag(String value, T[] values, Function<T, String> flag) {
    List<String> spellings = new ArrayList<>();
    for (T candidate : values) {
      if (flag.apply(candidate).equals(value)) {
        return candidate;
      }
      spellings.add(flag.apply(candidate));
    }
    String last = spellings.remove(spellings.size() - 1);
    throw new CommandLine.TypeConversionException(
        "'" + value + "' is not " + String.join(", ", spellings) + " or " + last);
  }
}
