package dev.ferry.connector.oidc;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.List;

/**
 * The upstream's keys: {@link #get} may fetch them (network I/O), {@link #cached} never does.
 * Splitting the two lets a verification that finds its key in the cache skip the connector's
 * bulkhead entirely.
 */
interface UpstreamKeySource extends JWKSource<SecurityContext> {

  /** The matching keys of a still-valid cached set, without any I/O; empty when there is none. */
  List<JWK> cached(JWKSelector selector);
}
