package dev.ferry.connector.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Set;

/**
 * Keys Ferry was given ({@code jwks} or {@code jwksFile}) rather than fetched: no I/O but, for a
 * file, a bounded re-read. The accepted algorithms follow the keys, so they are asked for each
 * token: a changed file may bring another key type.
 */
interface PinnedKeySource extends UpstreamKeySource {

  /** The algorithms the current keys verify; never empty. */
  Set<JWSAlgorithm> algorithms();
}
