package dev.ferry.web;

import dev.ferry.http.HttpEndpoint;
import dev.ferry.http.HttpRequest;
import dev.ferry.http.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The files the pages use, served from memory at Dex's paths (Dex: server/server.go mount: {@code
 * /static}, {@code /theme} and {@code /robots.txt}). Mount {@link #staticFiles()} at {@code
 * /static/{file}} and {@code /static/{dir}/{file}}, {@link #themeFiles()} at {@code /theme/{file}}
 * and {@code /theme/{dir}/{file}}, {@link #robots()} at {@code /robots.txt}.
 *
 * <p>Dex serves these with Go's {@code http.FileServer}, which also lists directories; Ferry serves
 * only files. Each file gets its content type from its extension, {@code X-Content-Type-Options:
 * nosniff}, an {@code ETag} (answered with 304 on {@code If-None-Match}) and an hour of caching:
 * the URLs carry no version, so the hour bounds how long a browser keeps a replaced file. An asset
 * opened as a document (an operator's SVG, say) runs sandboxed, with no script.
 */
public final class WebAssets {
  static final String CACHE_CONTROL = "public, max-age=3600";

  /** For an asset opened directly: nothing runs, inline SVG styles still apply. */
  static final String ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

  private static final Map<String, String> CONTENT_TYPES =
      Map.ofEntries(
          Map.entry("css", "text/css; charset=utf-8"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("avif", "image/avif"),
          Map.entry("ico", "image/vnd.microsoft.icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("ttf", "font/ttf"),
          Map.entry("otf", "font/otf"),
          Map.entry("js", "text/javascript; charset=utf-8"),
          Map.entry("mjs", "text/javascript; charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("html", "text/html; charset=utf-8"),
          Map.entry("htm", "text/html; charset=utf-8"),
          Map.entry("xml", "text/xml; charset=utf-8"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("wasm", "application/wasm"));

  private final Map<String, Asset> staticFiles;
  private final Map<String, Asset> themeFiles;
  private final Asset robots;

  WebAssets(WebFiles files) {
    this.staticFiles = assets(files.staticFiles());
    this.themeFiles = assets(files.themeFiles());
    this.robots = new Asset(files.robots(), "text/plain; charset=utf-8");
  }

  /** {@code /static/...}: the directory's {@code static/} over Ferry's. */
  public HttpEndpoint staticFiles() {
    return request -> serve(staticFiles, request);
  }

  /** {@code /theme/...}: the configured theme's files. */
  public HttpEndpoint themeFiles() {
    return request -> serve(themeFiles, request);
  }

  /**
   * {@code /robots.txt}: asks crawlers to keep out (Dex serves the same two lines), with the
   * operator's {@code robots.txt} from {@code frontend.dir} instead when there is one.
   */
  public HttpEndpoint robots() {
    return request -> HttpResponse.of(200, robots.contentType(), robots.body());
  }

  private static HttpResponse serve(Map<String, Asset> files, HttpRequest request) {
    Optional<String> file = request.pathVariable("file").flatMap(WebAssets::percentDecode);
    Optional<String> dir = request.pathVariable("dir").flatMap(WebAssets::percentDecode);
    if (file.isEmpty() || (request.pathVariable("dir").isPresent() && dir.isEmpty())) {
      return HttpResponse.notFound();
    }
    String path = dir.map(d -> d + "/" + file.get()).orElse(file.get());
    Asset asset = files.get(path);
    if (asset == null) {
      return HttpResponse.notFound();
    }
    boolean fresh =
        request.header("If-None-Match").map(tags -> matchesEtag(tags, asset.etag())).orElse(false);
    HttpResponse response =
        fresh ? HttpResponse.empty(304) : HttpResponse.of(200, asset.contentType(), asset.body());
    return response
        .withHeader("ETag", asset.etag())
        .withHeader("Cache-Control", CACHE_CONTROL)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Content-Security-Policy", ASSET_CSP);
  }

  private static boolean matchesEtag(String header, String etag) {
    for (String tag : header.split(",", -1)) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The path segment as Go's {@code http.FileServer} sees it (the decoded URL path); empty when the
   * escape is malformed, which Go refuses before routing.
   */
  static Optional<String> percentDecode(String segment) {
    if (segment.indexOf('%') < 0) {
      return Optional.of(segment);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return Optional.empty();
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return Optional.empty();
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
      }
    }
    return Optional.of(out.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, Asset> assets(Map<String, byte[]> files) {
    Map<String, Asset> assets = new HashMap<>();
    files.forEach((path, body) -> assets.put(path, new Asset(body, contentType(path))));
    return Map.copyOf(assets);
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
  }

  /** One served file with its validator (a SHA-256 prefix of its content). */
  private static final class Asset {
    private final byte[] body;
    private final String contentType;
    private final String etag;

    Asset(byte[] body, String contentType) {
      this.body = body;
      this.contentType = contentType;
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
        this.etag = "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is always available", e);
      }
    }

    byte[] body() {
      return body;
    }

    String contentType() {
      return contentType;
    }

    String etag() {
      return etag;
    }
  }
}
