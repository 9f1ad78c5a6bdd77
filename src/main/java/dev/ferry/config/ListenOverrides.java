package dev.ferry.config;

/**
 * Listen addresses given on the command line, which replace the file's before validation (Dex:
 * {@code serve --web-http-addr --web-https-addr --telemetry-addr --grpc-addr}). An empty string
 * keeps the file's value.
 */
public record ListenOverrides(
    String webHttp, String webHttps, String telemetryHttp, String grpcAddr) {
  public static final ListenOverrides NONE = new ListenOverrides("", "", "", "");
}
