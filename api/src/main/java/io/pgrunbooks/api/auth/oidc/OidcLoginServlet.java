package io.pgrunbooks.api.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.config.OidcConfig;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The page's sign-in, under {@code /auth}: {@code options} (whether single sign-on is on),
 * {@code login} (to the provider with a state, a nonce and a PKCE S256 challenge),
 * {@code callback} (code for tokens, ID token verified, session cookie set) and {@code logout}
 * (a POST with the session's CSRF token: session ended, then the provider's logout when it
 * advertises one). Failures go back to the
 * page's login screen with a sentence.
 */
public final class OidcLoginServlet extends HttpServlet {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final transient Optional<Wiring> oidc;
  private final transient HttpClient http;

  /** What a sign-in needs; absent when {@code api.oidc} is not configured. */
  public record Wiring(OidcConfig config, OidcProvider provider, RoleMapping mapping, Sessions sessions,
                       String clientSecret) {}

  public OidcLoginServlet(Optional<Wiring> oidc, HttpClient http) {
    this.oidc = oidc;
    this.http = http;
  }

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
    if (path.equals("/options")) {
      resp.setContentType("application/json");
      resp.getWriter().write(JSON.writeValueAsString(Map.of("oidc", oidc.isPresent())));
      return;
    }
    if (oidc.isEmpty()) {
      resp.sendError(404, "single sign-on is not configured (api.oidc)");
      return;
    }
    Wiring w = oidc.get();
    switch (path) {
      case "/login" -> login(w, resp);
      case "/callback" -> callback(w, req, resp);
      case "/logout" -> resp.sendError(405, "log out with a POST carrying the session's csrf token (the page's"
          + " Log out button does)");
      default -> resp.sendError(404);
    }
  }

  /** {@code POST /auth/logout} with the form field {@code csrf}: another site cannot end the session. */
  @Override
  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getPathInfo() == null ? "" : req.getPathInfo();
    if (oidc.isEmpty() || !path.equals("/logout")) {
      resp.sendError(404);
      return;
    }
    Wiring w = oidc.get();
    Optional<Sessions.Session> session = w.sessions().find(sessionId(req));
    if (session.isPresent() && !Sessions.csrfMatches(session.get(), req.getParameter("csrf"))) {
      resp.sendError(403, "a logout needs the session's csrf token (the page's Log out button sends it)");
      return;
    }
    logout(w, req, resp);
  }

  private void login(Wiring w, HttpServletResponse resp) throws IOException {
    Sessions.PendingLogin l = w.sessions().beginLogin();
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", w.config().clientId());
    q.put("redirect_uri", w.config().callbackUrl());
    q.put("scope", String.join(" ", w.config().scopes()));
    q.put("state", l.state());
    q.put("nonce", l.nonce());
    q.put("code_challenge", l.challenge());
    q.put("code_challenge_method", "S256");
    redirect(resp, with(w.provider().authorizationEndpoint(), q));
  }

  private void callback(Wiring w, HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (req.getParameter("error") != null) {
      back(w, resp, "the provider refused the sign-in: " + req.getParameter("error")
          + (req.getParameter("error_description") == null ? "" : " (" + req.getParameter("error_description") + ")"));
      return;
    }
    Optional<Sessions.PendingLogin> pending = w.sessions().takeLogin(req.getParameter("state"));
    String code = req.getParameter("code");
    if (pending.isEmpty() || code == null) {
      back(w, resp, "this sign-in link is unknown, used or older than ten minutes; sign in again");
      return;
    }
    String idToken;
    try {
      idToken = exchange(w, code, pending.get().verifier());
    } catch (IOException e) {
      back(w, resp, e.getMessage());
      return;
    }
    ApiUser user;
    try {
      user = w.mapping().user(w.provider().verify(idToken, w.config().clientId(), pending.get().nonce()));
    } catch (TokenRefused e) {
      back(w, resp, "ID token refused: " + e.getMessage());
      return;
    }
    Sessions.Session s = w.sessions().create(user, idToken);
    resp.addHeader("Set-Cookie", cookie(w, s.id(), w.sessions().lifetime().toSeconds()));
    redirect(resp, w.config().pageUrl() + "#/approvals");
  }

  private String exchange(Wiring w, String code, String verifier) throws IOException {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", w.config().callbackUrl());
    form.put("code_verifier", verifier);
    form.put("client_id", w.config().clientId());
    HttpRequest.Builder b = HttpRequest.newBuilder(w.provider().tokenEndpoint()).timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
    if (w.clientSecret() != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((enc(w.config().clientId()) + ":"
          + enc(w.clientSecret())).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while redeeming the sign-in code", e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException notJson) {
      body = JSON.createObjectNode();
    }
    if (r.statusCode() != 200 || !body.hasNonNull("id_token")) {
      throw new IOException("the provider's token endpoint did not give an ID token (HTTP " + r.statusCode()
          + (body.hasNonNull("error") ? ", " + body.path("error").asText() + ": "
          + body.path("error_description").asText("") : "") + "); check api.oidc.clientId, the client secret and"
          + " that " + w.config().callbackUrl() + " is a redirect URI of the client");
    }
    return body.path("id_token").asText();
  }

  private void logout(Wiring w, HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Optional<Sessions.Session> ended = w.sessions().end(sessionId(req));
    resp.addHeader("Set-Cookie", cookie(w, "", 0));
    URI endSession = w.provider().endSessionEndpoint();
    if (endSession == null) {
      redirect(resp, w.config().pageUrl() + "#/login");
      return;
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("client_id", w.config().clientId());
    q.put("post_logout_redirect_uri", w.config().pageUrl());
    ended.ifPresent(s -> q.put("id_token_hint", s.idToken()));
    redirect(resp, with(endSession, q));
  }

  private static String sessionId(HttpServletRequest req) {
    if (req.getCookies() == null) {
      return null;
    }
    for (Cookie c : req.getCookies()) {
      if (Sessions.COOKIE.equals(c.getName())) {
        return c.getValue();
      }
    }
    return null;
  }

  /** The session cookie: HttpOnly, SameSite=Lax, Secure when the page is served over https. */
  static String cookie(Wiring w, String value, long maxAgeSeconds) {
    return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
        + (w.config().secureCookies() ? "; Secure" : "");
  }

  private static void back(Wiring w, HttpServletResponse resp, String why) throws IOException {
    redirect(resp, w.config().pageUrl() + "#/login?error=" + enc(why));
  }

  /** A 302 as is: Jetty's sendRedirect refuses the page's fragment ({@code #/approvals}). */
  private static void redirect(HttpServletResponse resp, String location) {
    resp.setStatus(HttpServletResponse.SC_FOUND);
    resp.setHeader("Location", location);
  }

  private static String with(URI endpoint, Map<String, String> query) {
    String base = endpoint.toString();
    return base + (base.contains("?") ? "&" : "?") + encode(query);
  }

  private static String encode(Map<String, String> form) {
    return form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
