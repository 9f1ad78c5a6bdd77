package dev.ferry.endpoint.token;

import java.util.Optional;

/**
 * What {@link Grant#resolve} found: the state the grant goes on with and the connector the endpoint
 * must pass through the connector policy before {@link Grant#handle} runs. An empty connector id
 * means the same as none, as in Dex, where the policy runs only {@code if connectorID != ""} (Dex
 * HEAD: server/grants dispatch).
 */
public record Resolution<S>(S state, Optional<String> connectorId) {

  /** The request names its connector, or its stored state does. */
  public static <S> Resolution<S> connector(String connectorId, S state) {
    return new Resolution<>(state, Optional.of(connectorId).filter(id -> !id.isEmpty()));
  }

  /** A grant that authenticates against no connector (client credentials). */
  public static <S> Resolution<S> withoutConnector(S state) {
    return new Resolution<>(state, Optional.empty());
  }
}
