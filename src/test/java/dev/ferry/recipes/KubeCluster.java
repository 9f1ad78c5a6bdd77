package dev.ferry.recipes;

import dev.ferry.testing.UpstreamIssuer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A private cluster's service-account issuer: it signs projected tokens with the claims the
 * kube-apiserver puts in them, and its keys reach Ferry only as the file {@code kubectl get --raw
 * /openid/v1/jwks} writes. Its in-process issuer is never asked anything: {@link #requests()} stays
 * zero when Ferry works from the file.
 */
final class KubeCluster implements AutoCloseable {
  /** The issuer the recipe's connector names; with a {@code jwksFile} it need not resolve. */
  static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  private final Clock clock;
  private final UpstreamIssuer signer;

  KubeCluster(Clock clock) {
    this.clock = clock;
    this.signer = UpstreamIssuer.builder().clock(clock).userInfo(false).start();
  }

  /** Writes the public keys as {@code kubectl get --raw /openid/v1/jwks} prints them. */
  void writeJwks(Path file) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.writeString(next, signer.jwks().toPublicJWKSet().toString(), StandardCharsets.UTF_8);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The token the kubelet projects for a pod of {@code namespace}/{@code serviceAccount}: issued
   * now, for {@code audience}, valid for {@code lifetime} (the volume's expirationSeconds), bound
   * to the pod.
   */
  String serviceAccountToken(
      String namespace, String serviceAccount, String pod, String audience, Duration lifetime) {
    Instant now = clock.instant();
    return signer
        .token()
        .noClaims()
        .claim("aud", List.of(audience))
        .claim("exp", now.plus(lifetime).getEpochSecond())
        .claim("iat", now.getEpochSecond())
        .claim("iss", ISSUER)
        .claim("jti", UUID.randomUUID().toString())
        .claim(
            "kubernetes.io",
            Map.of(
                "namespace",
                namespace,
                "node",
                Map.of("name", "node-1", "uid", uid("node-1")),
                "pod",
                Map.of("name", pod, "uid", uid(namespace + "/" + pod)),
                "serviceaccount",
                Map.of("name", serviceAccount, "uid", uid(namespace + ":" + serviceAccount))))
        .claim("nbf", now.getEpochSecond())
        .claim("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount)
        .build();
  }

  /** Requests the cluster's issuer received (discovery, keys): none with a {@code jwksFile}. */
  int requests() {
    return signer.totalRequests();
  }

  private static String uid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public void close() {
    signer.close();
  }
}
