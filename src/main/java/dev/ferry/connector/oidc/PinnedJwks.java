package dev.ferry.connector.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import dev.ferry.connector.upstream.UpstreamJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A JWKS given to Ferry ({@code jwks} inline, or {@code jwksFile}) for an upstream it cannot or
 * must not reach: a private Kubernetes API server, an air-gapped GitLab. The set is checked as
 * strictly as a config is, because nothing later narrows it: only public keys (a private key in a
 * config file is a leak, and refusing it makes the operator notice), only asymmetric signing keys
 * (RFC 8725 §3.1: an HMAC key would let anyone holding the config sign tokens), RSA of at least
 * 2048 bits (RFC 7518 §3.3), an {@code alg} that is one of {@link Discovery#SUPPORTED_ALGORITHMS}
 * and fits the key, and a unique {@code kid} on every key of a set of several (the {@code kid} is
 * how a token names its key; without it a multi-key set would be tried key by key).
 *
 * <p>The accepted algorithms are those of the keys: a key's {@code alg} when set, otherwise every
 * algorithm its type allows (RSA: RS and PS 256/384/512; EC by curve: ES256, ES384, ES512; OKP
 * Ed25519: EdDSA).
 */
final class PinnedJwks {

  /** A JWKS file is small (Kubernetes: one or two keys); anything bigger is a mistake. */
  static final int MAX_FILE_BYTES = 1 << 20;

  private static final Set<JWSAlgorithm> RSA_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512);

  // Private-key members of RFC 7518 §6.2.2 and §6.3.2 (EC, OKP: "d"; RSA: the rest).
  private static final List<String> PRIVATE_MEMBERS =
      List.of("d", "p", "q", "dp", "dq", "qi", "oth");

  private PinnedJwks() {}

  /** A checked key set and the algorithms its keys allow. */
  record KeySet(JWKSet keys, Set<JWSAlgorithm> algorithms) {
    KeySet {
      algorithms = Set.copyOf(algorithms);
    }

    /** {@code kid} → RFC 7638 thumbprint, to say which keys a change added or removed. */
    Map<String, String> thumbprints() {
      Map<String, String> result = new HashMap<>();
      for (JWK key : keys.getKeys()) {
        String kid = key.getKeyID() == null ? "(no kid)" : key.getKeyID();
        try {
          result.put(kid, key.computeThumbprint().toString());
        } catch (JOSEException e) {
          result.put(kid, "");
        }
      }
      return result;
    }
  }

  /** Why a key set is unusable: every problem, each naming the key ({@code keys[1] (kid "a")}). */
  static final class InvalidJwks extends Exception {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // an immutable List.copyOf, never serialized in practice
    private final List<String> problems;

    InvalidJwks(List<String> problems) {
      super(String.join("; ", problems));
      this.problems = List.copyOf(problems);
    }

    InvalidJwks(String problem) {
      this(List.of(problem));
    }

    List<String> problems() {
      return problems;
    }
  }

  /** The inline {@code jwks}: a JSON object, or a string holding one. */
  static KeySet inline(JsonNode value) throws InvalidJwks {
    if (value.isTextual()) {
      return parse(value.asText());
    }
    if (value instanceof ObjectNode object) {
      return check(object);
    }
    throw new InvalidJwks(
        "expected a JWKS object ({\"keys\": [...]}) or a string holding its JSON");
  }

  /** Reads and checks {@code jwksFile}; a missing, unreadable or oversized file is a problem. */
  static KeySet file(Path path) throws InvalidJwks {
    return parse(new String(read(path), StandardCharsets.UTF_8));
  }

  /**
   * The file's bytes, at most {@link #MAX_FILE_BYTES}; the messages leave the path to the caller.
   */
  static byte[] read(Path path) throws InvalidJwks {
    if (Files.isDirectory(path)) {
      throw new InvalidJwks("cannot read it: it is a directory");
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new InvalidJwks("it is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new InvalidJwks("cannot read it: no such file");
    } catch (AccessDeniedException e) {
      throw new InvalidJwks("cannot read it: permission denied");
    } catch (IOException e) {
      throw new InvalidJwks(
          "cannot read it: " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }

  /** Parses and checks JWKS JSON text. */
  static KeySet parse(String json) throws InvalidJwks {
    ObjectNode object;
    try {
      // Duplicate members refused: a key whose "n" depends on the parser is no key to trust.
      object = UpstreamJson.object(json);
    } catch (IOException e) {
      throw new InvalidJwks("not a JWKS: " + e.getMessage());
    }
    return check(object);
  }

  private static KeySet check(ObjectNode set) throws InvalidJwks {
    JsonNode keys = set.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new InvalidJwks("not a JWKS: \"keys\" must be an array of JWKs");
    }
    if (keys.isEmpty()) {
      throw new InvalidJwks("the key set is empty: at least one public key is required");
    }
    List<String> problems = new ArrayList<>();
    List<JWK> parsed = new ArrayList<>();
    Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    Map<String, Integer> kids = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      JsonNode member = keys.get(i);
      String name = name(i, member);
      if (!(member instanceof ObjectNode object)) {
        problems.add(name + ": expected a JSON object");
        continue;
      }
      JsonNode kid = object.get("kid");
      if (kid != null && kid.isTextual()) {
        Integer earlier = kids.putIfAbsent(kid.asText(), i);
        if (earlier != null) {
          problems.add(name + ": duplicate kid (also keys[" + earlier + "])");
        }
      } else if (keys.size() > 1) {
        problems.add(name + ": \"kid\" is required when the set holds more than one key");
      }
      try {
        Checked key = key(object);
        parsed.add(key.key());
        algorithms.addAll(key.algorithms());
      } catch (InvalidJwks e) {
        problems.add(name + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidJwks(problems);
    }
    return new KeySet(new JWKSet(parsed), algorithms);
  }

  /** A checked public key and the algorithms it verifies: its {@code alg}, else its type's. */
  private record Checked(JWK key, Set<JWSAlgorithm> algorithms) {}

  /** One checked public signing key. The message never quotes key material. */
  private static Checked key(ObjectNode object) throws InvalidJwks {
    JsonNode kty = object.get("kty");
    if (kty != null && "oct".equals(kty.asText())) {
      throw new InvalidJwks(
          "symmetric key (kty \"oct\") refused: only public RSA, EC or Ed25519 keys verify"
              + " upstream tokens");
    }
    List<String> secret = PRIVATE_MEMBERS.stream().filter(object::has).collect(Collectors.toList());
    if (!secret.isEmpty()) {
      throw new InvalidJwks(
          "holds private key material "
              + secret
              + ": only public keys belong here; remove the private parameters (and rotate"
              + " the key if this file was shared)");
    }
    JWK key;
    try {
      key = JWK.parse(object.toString());
    } catch (ParseException e) {
      throw new InvalidJwks("not a valid JWK: " + e.getMessage());
    }
    if (key.getKeyUse() != null && !"sig".equals(key.getKeyUse().identifier())) {
      throw new InvalidJwks(
          "\"use\": \"" + key.getKeyUse().identifier() + "\" is not a signing key");
    }
    Set<JWSAlgorithm> fitting = fitting(key);
    if (key.getAlgorithm() == null) {
      return new Checked(key.toPublicJWK(), fitting);
    }
    JWSAlgorithm alg = JWSAlgorithm.parse(key.getAlgorithm().getName());
    if (!Discovery.SUPPORTED_ALGORITHMS.contains(alg)) {
      throw new InvalidJwks(
          "alg \""
              + alg.getName()
              + "\" is not allowed: use an asymmetric algorithm, one of "
              + sorted(Discovery.SUPPORTED_ALGORITHMS));
    }
    if (!fitting.contains(alg)) {
      throw new InvalidJwks(
          "alg \"" + alg.getName() + "\" does not fit this key: it allows " + sorted(fitting));
    }
    return new Checked(key.toPublicJWK(), Set.of(alg));
  }

  /** What a key's type (and curve) allows; refuses a key that cannot verify a JWS here. */
  private static Set<JWSAlgorithm> fitting(JWK key) throws InvalidJwks {
    try {
      if (key instanceof RSAKey rsa) {
        requireBase64Url("n", rsa.getModulus());
        requireBase64Url("e", rsa.getPublicExponent());
        int bits = rsa.toRSAPublicKey().getModulus().bitLength();
        if (bits < UpstreamKeySelector.MIN_RSA_BITS) {
          throw new InvalidJwks(
              "RSA key of "
                  + bits
                  + " bits refused: at least "
                  + UpstreamKeySelector.MIN_RSA_BITS
                  + " bits are required (RFC 7518 §3.3)");
        }
        return RSA_ALGORITHMS;
      }
      if (key instanceof ECKey ec) {
        requireBase64Url("x", ec.getX());
        requireBase64Url("y", ec.getY());
        ec.toECPublicKey(); // the point was checked to be on the curve when parsed
        Curve curve = ec.getCurve();
        if (Curve.P_256.equals(curve)) {
          return Set.of(JWSAlgorithm.ES256);
        }
        if (Curve.P_384.equals(curve)) {
          return Set.of(JWSAlgorithm.ES384);
        }
        if (Curve.P_521.equals(curve)) {
          return Set.of(JWSAlgorithm.ES512);
        }
        throw new InvalidJwks("EC curve \"" + curve + "\" is not supported (P-256, P-384, P-521)");
      }
      if (key instanceof OctetKeyPair okp) {
        if (!Curve.Ed25519.equals(okp.getCurve())) {
          throw new InvalidJwks(
              "OKP curve \"" + okp.getCurve() + "\" is not a supported signing curve (Ed25519)");
        }
        requireBase64Url("x", okp.getX());
        UpstreamKeySelector.ed25519(okp.getX().decode());
        return Set.of(JWSAlgorithm.EdDSA);
      }
    } catch (JOSEException | GeneralSecurityException e) {
      throw new InvalidJwks("invalid key material: " + e.getMessage());
    }
    throw new InvalidJwks("key type \"" + key.getKeyType() + "\" cannot verify signatures");
  }

  private static final java.util.regex.Pattern BASE64URL =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

  /**
   * Nimbus decodes a malformed value leniently, into a number that then fails for an unrelated
   * reason ("at least 512 bits"): name the member that is wrong instead.
   */
  private static void requireBase64Url(String member, @Nullable Base64URL value)
      throws InvalidJwks {
    if (value == null || !BASE64URL.matcher(value.toString()).matches()) {
      throw new InvalidJwks(
          "invalid key material: \"" + member + "\" is not a base64url value (RFC 7518 §6)");
    }
  }

  private static String name(int index, JsonNode member) {
    JsonNode kid = member.get("kid");
    return kid != null && kid.isTextual()
        ? "keys[" + index + "] (kid \"" + kid.asText() + "\")"
        : "keys[" + index + "]";
  }

  private static String sorted(Set<JWSAlgorithm> algorithms) {
    return algorithms.stream()
        .map(JWSAlgorithm::getName)
        .sorted()
        .collect(Collectors.joining(", "));
  }
}
