package dev.ferry.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.connector.ConnectorRegistry;
import dev.ferry.json.GoFieldLookup;
import dev.ferry.policy.RuleMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Dex configuration file (Dex: {@code dex serve config.yaml}).
 *
 * <p>The steps, each as Dex does them: parse YAML; expand environment variables inside the storage,
 * connector and signer {@code config} blocks (unless {@code DEX_EXPAND_ENV} is false); bind to
 * records with case-insensitive keys, ignoring unknown keys unless {@code
 * DEX_CONFIG_DISALLOW_UNKNOWN_FIELDS} is true; apply command-line listen addresses; validate. Every
 * problem found is reported together in one {@link ConfigException}.
 *
 * <p>The environment comes in through the constructor, so tests and {@code config check} can load a
 * file against any environment. A loader is immutable and can be shared.
 */
public final class ConfigLoader {
  /** A config file is small; refusing huge ones keeps a wrong path from exhausting memory. */
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private final Map<String, String> env;
  private final List<String> connectorTypes;
  private final TrustChecks trustChecks;
  private final ObjectMapper mapper;

  /**
   * @param env the process environment ({@code System.getenv()}), read for {@code DEX_*} flags,
   *     {@code $VAR} expansion, {@code idEnv}, {@code secretEnv}, {@code hashFromEnv}, {@code
   *     VAULT_ADDR}, {@code VAULT_TOKEN} and {@code DEX_FRONTEND_DIR}
   */
  public ConfigLoader(Map<String, String> env) {
    this(env, ConnectorRegistry.DEX_TYPES);
  }

  /**
   * @param env as for {@link #ConfigLoader(Map)}
   * @param connectorTypes the connector types a config may name (the connector registry's known
   *     types); any other {@code type} is a problem, as in Dex
   */
  public ConfigLoader(Map<String, String> env, List<String> connectorTypes) {
    this(env, connectorTypes, TrustChecks.policy());
  }

  /**
   * @param env as for {@link #ConfigLoader(Map)}
   * @param connectorTypes as for {@link #ConfigLoader(Map, List)}
   * @param trustChecks compiles {@code trust} blocks and words the warnings about connectors
   *     without one ({@link TrustChecks#policy()} outside tests)
   */
  public ConfigLoader(
      Map<String, String> env, List<String> connectorTypes, TrustChecks trustChecks) {
    this.env = Map.copyOf(env);
    this.connectorTypes = List.copyOf(connectorTypes);
    this.trustChecks = trustChecks;
    this.mapper = newMapper();
  }

  /** Loads and validates {@code file}. */
  public FerryConfig load(Path file) throws ConfigException {
    return load(file, ListenOverrides.NONE);
  }

  /** Loads {@code file}, replaces listen addresses from the command line, then validates. */
  public FerryConfig load(Path file, ListenOverrides overrides) throws ConfigException {
    return parse(read(file), file, overrides);
  }

  /** Loads YAML text as if it were the content of {@code file}. */
  FerryConfig parse(String yaml, Path file, ListenOverrides overrides) throws ConfigException {
    ObjectNode root = parseYaml(yaml, file);
    FeatureFlags flags = FeatureFlags.fromEnv(env);
    if (flags.expandEnv()) {
      new EnvExpansion(env).apply(root);
    }
    Problems problems = new Problems();
    ConfigFile raw;
    try {
      raw =
          mapper
              .readerFor(ConfigFile.class)
              .withHandler(new BindingProblems(problems, flags.configDisallowUnknownFields()))
              .withAttribute(Problems.class, problems)
              .readValue(root);
    } catch (JsonMappingException e) {
      // Only what BindingProblems cannot recover from lands here.
      problems.add(path(e), describe(e));
      throw ConfigException.invalid(file, problems.list());
    } catch (IOException e) {
      throw ConfigException.unreadable(file, "cannot bind the config: " + e.getClass().getName());
    }
    FerryConfig config =
        new ConfigAssembler(env, connectorTypes, flags, problems, trustChecks)
            .assemble(raw, connectorsWithoutConfig(root), overrides);
    if (!problems.isEmpty()) {
      throw ConfigException.invalid(file, problems.list());
    }
    return config;
  }

  private static String read(Path file) throws ConfigException {
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw ConfigException.unreadable(file, "is a directory");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw ConfigException.unreadable(file, "larger than 4 MiB");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw ConfigException.unreadable(file, "no such file");
    } catch (AccessDeniedException e) {
      throw ConfigException.unreadable(file, "permission denied");
    } catch (IOException e) {
      throw ConfigException.unreadable(file, String.valueOf(e.getMessage()));
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw ConfigException.unreadable(file, "not UTF-8 text");
    }
  }

  private ObjectNode parseYaml(String yaml, Path file) throws ConfigException {
    JsonNode tree;
    try {
      tree = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      // The first line only: later lines of a YAML error quote the file, which may hold secrets.
      String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("");
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw ConfigException.unreadable(file, "not valid YAML" + where + ": " + reason);
    }
    // Jackson reads an alias as its anchor's name and a "<<" key as a plain key; Dex resolves
    // both. The text parsed above is well-formed, so only aliases and merges can fail here.
    try {
      String expanded = YamlAliases.expand(yaml);
      if (!expanded.equals(yaml)) {
        tree = mapper.readTree(expanded);
      }
    } catch (YamlAliases.Problem e) {
      String where = e.line == 0 ? "" : " at line " + e.line + ", column " + e.column;
      throw ConfigException.unreadable(file, "not valid YAML" + where + ": " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw ConfigException.unreadable(
          file, "not valid YAML after expanding aliases: " + e.getOriginalMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return JsonNodeFactory.instance
          .objectNode(); // an empty file: validation says what is missing
    }
    if (tree instanceof ObjectNode object) {
      return object;
    }
    throw ConfigException.unreadable(
        file, "the top level must be a mapping of config keys, not " + kind(tree));
  }

  /** Indexes of connectors without a {@code config} key, which binding cannot tell from {}. */
  private static Set<Integer> connectorsWithoutConfig(ObjectNode root) {
    Set<Integer> missing = new HashSet<>();
    if (GoFieldLookup.value(root, "connectors").orElse(null) instanceof ArrayNode connectors) {
      for (int i = 0; i < connectors.size(); i++) {
        JsonNode config = GoFieldLookup.value(connectors.get(i), "config").orElse(null);
        if (config == null || config.isNull()) {
          missing.add(i);
        }
      }
    }
    return missing;
  }

  private static String path(JsonMappingException e) {
    String path = "";
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path = KeyPath.join(path, ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path = KeyPath.index(path, ref.getIndex());
      }
    }
    return path;
  }

  private static String describe(JsonMappingException e) {
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return "expected " + BindingProblems.expected(mismatch.getTargetType());
    }
    return "invalid value";
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "a list";
    }
    return node.isTextual() ? "a string" : "a single value";
  }

  private static ObjectMapper newMapper() {
    SimpleModule goValues = new SimpleModule("dex-values");
    goValues.addDeserializer(
        Duration.class,
        new ReportingDeserializer<>(
            Duration.class, GoDuration::parse, "a Go duration such as 90s, 10m or 1h30m"));
    goValues.addDeserializer(
        LogLevel.class,
        new ReportingDeserializer<>(LogLevel.class, LogLevel::parse, "a level name such as info"));
    goValues.addDeserializer(
        LogFormat.class,
        new ReportingDeserializer<>(LogFormat.class, LogFormat::parse, "text or json"));
    goValues.addDeserializer(
        RuleMode.class,
        new ReportingDeserializer<>(RuleMode.class, TrustSection::mode, TrustSection.MODES));
    YAMLFactory yaml =
        YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    YAMLMapper mapper =
        YAMLMapper.builder(yaml)
            // Dex decodes through Go's encoding/json, which matches keys case-insensitively.
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            // Unknown keys are decided by BindingProblems (strict mode or not).
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(goValues)
            .build();
    // An empty list item ("-" alone) reads as "", which Go decodes as an empty entry.
    mapper
        .coercionConfigFor(LogicalType.POJO)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.AsNull);
    return mapper;
  }
}
