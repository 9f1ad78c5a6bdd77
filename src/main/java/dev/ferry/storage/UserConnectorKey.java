package dev.ferry.storage;

/**
 * The key of the entities Dex keys by user and connector: offline sessions ({@code user_id,
 * conn_id}) and user identities ({@code user_id, connector_id}).
 */
public record UserConnectorKey(String userId, String connectorId) {}
