package dev.ferry.server;

import dev.ferry.http.HttpResponse;
import dev.ferry.web.Pages;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Bare pages for the login flow until {@code web.TemplatePages} (Ferry's own templates) is wired in
 * its place: plain HTML, every value escaped, forms labelled. Only the server uses it.
 */
final class InterimPages implements Pages {

  @Override
  public HttpResponse connectorChoice(List<ConnectorLink> connectors) {
    StringBuilder body = new StringBuilder("<h1>Log in</h1>\n<ul>\n");
    for (ConnectorLink link : connectors) {
      body.append("<li><a href=\"")
          .append(escape(link.url()))
          .append("\">Log in with ")
          .append(escape(link.name()))
          .append("</a></li>\n");
    }
    return page(200, body.append("</ul>\n").toString());
  }

  @Override
  public HttpResponse password(PasswordPage page) {
    String body =
        "<h1>Log in</h1>\n"
            + (page.invalid() ? "<p>Invalid username and password.</p>\n" : "")
            + "<form method=\"post\" action=\""
            + escape(page.postUrl())
            + "\">\n<label for=\"login\">"
            + escape(page.usernamePrompt())
            + "</label> <input id=\"login\" name=\"login\" value=\""
            + escape(page.username())
            + "\">\n<label for=\"password\">Password</label> <input id=\"password\""
            + " name=\"password\" type=\"password\">\n<button type=\"submit\">Login</button>\n"
            + "</form>\n"
            + (page.backLink().isEmpty()
                ? ""
                : "<a href=\"" + escape(page.backLink()) + "\">Select another login method.</a>\n");
    return page(200, body);
  }

  @Override
  public HttpResponse approval(ApprovalPage page) {
    StringBuilder body =
        new StringBuilder("<h1>Grant access</h1>\n<p>")
            .append(escape(page.clientName()))
            .append(" would like to:</p>\n<ul>\n");
    for (String scope : page.scopes()) {
      body.append("<li>").append(escape(scope)).append("</li>\n");
    }
    body.append("</ul>\n");
    for (String answer : List.of("approve", "rejected")) {
      body.append("<form method=\"post\" action=\"")
          .append(escape(page.postUrl()))
          .append("\">\n<input type=\"hidden\" name=\"req\" value=\"")
          .append(escape(page.authRequestId()))
          .append("\">\n<input type=\"hidden\" name=\"hmac\" value=\"")
          .append(escape(page.hmac()))
          .append("\">\n<input type=\"hidden\" name=\"approval\" value=\"")
          .append(answer)
          .append("\">\n<button type=\"submit\">")
          .append(answer.equals("approve") ? "Grant Access" : "Cancel")
          .append("</button>\n</form>\n");
    }
    return page(200, body.toString());
  }

  @Override
  public HttpResponse error(int status, String message) {
    return page(status, "<h1>Error " + status + "</h1>\n<p>" + escape(message) + "</p>\n");
  }

  @Override
  public HttpResponse oob(String code) {
    return page(
        200,
        "<h1>Login Successful</h1>\n<p>Copy this code:</p>\n<pre>" + escape(code) + "</pre>\n");
  }

  private static HttpResponse page(int status, String body) {
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>Ferry</title>\n</head>\n<body>\n"
            + body
            + "</body>\n</html>\n";
    return HttpResponse.of(status, HttpResponse.HTML, html.getBytes(StandardCharsets.UTF_8))
        .withHeader("X-Frame-Options", "DENY");
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
