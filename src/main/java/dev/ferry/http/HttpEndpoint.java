package dev.ferry.http;

/**
 * One routed endpoint. It runs on a Jetty request thread and returns a complete response; an
 * exception escaping it becomes a plain 500 (endpoints render their own protocol errors).
 */
@FunctionalInterface
public interface HttpEndpoint {
  HttpResponse handle(HttpRequest request) throws Exception;
}
