package io.pgrunbooks.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.DropwizardTestSupport;
import io.pgrunbooks.api.ApiFixture.Reply;
import io.pgrunbooks.ops.browser.HeadlessChromium;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * OpenID Connect against a real Keycloak (KeycloakServer): an API on the shared stack with
 * {@code api.oidc} and Basic users both on. Bearer tokens from the provider are accepted with their
 * groups mapped to roles, tokens for another audience, expired or with a broken signature are
 * refused with a sentence; a viewer's group cannot approve; the page's sign-in (code + PKCE) gives
 * a session whose state changes need its CSRF token; in headless Chromium an approver signs in
 * through Keycloak's login form, approves (recorded under her OIDC identity) and logs out; a provider user the
 * worker's config does not list approves a real run on the roles the API signed (approvals.identityRoles).
 */
@ExtendWith({ApiFixture.Extension.class, KeycloakServer.Extension.class})
class OidcSignInTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SECRET_ENV = "OIDC_CLIENT_SECRET";

  private static ApiFixture api;
  private static KeycloakServer keycloak;
  private static DropwizardTestSupport<ApiConfiguration> app;

  @BeforeAll
  static void start() throws Exception {
    api = ApiFixture.get();
    keycloak = KeycloakServer.get();
    app = api.startApi("""
        oidc:
          issuer: %s
          clientId: %s
          clientSecretEnv: %s
          publicUrl: http://127.0.0.1:%%PORT%%
          clockSkew: 1s
          roles:
            dbas: [approver]
            viewers: [viewer]
        """.formatted(keycloak.issuer(), KeycloakServer.CLIENT, SECRET_ENV),
        Map.of(SECRET_ENV, KeycloakServer.CLIENT_SECRET));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.after();
    }
  }

  private static String base() {
    return "http://127.0.0.1:" + app.getLocalPort();
  }

  private static Reply withBearer(String method, String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json").header("X-Requested-By", "test");
    }
    return api.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void bearerTokenFromTheProviderIsAcceptedWithItsGroupMappedToRoles() {
    Reply me = withBearer("GET", "/api/v1/me", keycloak.accessToken(KeycloakServer.CLIENT, "ada"), null);

    assertThat(me.status()).as(me.text()).isEqualTo(200);
    assertThat(me.json().path("name").asText()).isEqualTo("ada");
    assertThat(me.json().path("displayName").asText()).isEqualTo("Ada Lovelace");
    assertThat(me.json().path("subject").asText()).isNotBlank().isNotEqualTo("ada");
    assertThat(me.json().path("roles").toString()).isEqualTo("[\"approver\"]");
    assertThat(me.json().path("mayDecide").asBoolean()).isTrue();
    assertThat(me.json().has("csrfToken")).isFalse();
    // Basic stays available on the same API.
    assertThat(api.send(api.request("alice", "/api/v1/me").uri(URI.create(base() + "/api/v1/me")).GET().build())
        .json().path("name").asText()).isEqualTo("alice");
  }

  @Test
  void tokenForAnotherAudienceIsRefusedSayingWhichAudienceItNames() {
    Reply r = withBearer("GET", "/api/v1/me", keycloak.accessToken("other-app", "ada"), null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("status").asInt()).isEqualTo(401);
    assertThat(r.json().path("error").asText()).startsWith("bearer token refused: the token is meant for")
        .contains("not for pg-runbooks");
    assertThat(r.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        h -> assertThat(h).startsWith("Bearer").contains("invalid_token"));
  }

  @Test
  void expiredTokenIsRefusedOnceItsLifetimeAndTheSkewHavePassed() throws Exception {
    String token = keycloak.accessToken("pgr-short", "ada");
    assertThat(withBearer("GET", "/api/v1/me", token, null).status()).isEqualTo(200);
    Instant exp = Instant.ofEpochSecond(claims(token).path("exp").asLong());
    // The realm gives this client 2 s tokens; the API allows 1 s of skew.
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), exp.plusMillis(1600)).toMillis()));

    Reply r = withBearer("GET", "/api/v1/me", token, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("error").asText()).contains("the token expired at " + exp);
  }

  @Test
  void tokenWithABrokenSignatureIsRefused() {
    String token = keycloak.accessToken(KeycloakServer.CLIENT, "ada");
    int dot = token.lastIndexOf('.');
    int at = dot + 10;
    char flipped = token.charAt(at) == 'A' ? 'B' : 'A';
    String forged = token.substring(0, at) + flipped + token.substring(at + 1);

    Reply r = withBearer("GET", "/api/v1/me", forged, null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().path("error").asText()).contains("signature does not verify against the keys of "
        + keycloak.issuer());
    assertThat(withBearer("GET", "/api/v1/me", "not-a-jwt", null).json().path("error").asText())
        .contains("not a signed JWT");
  }

  @Test
  void tokenSignedWithARotatedKeyIsAcceptedWithoutARestart() throws Exception {
    String before = keycloak.accessToken(KeycloakServer.CLIENT, "ada");
    assertThat(withBearer("GET", "/api/v1/me", before, null).status()).isEqualTo(200);

    keycloak.rotateKeys();
    String after = keycloak.accessToken(KeycloakServer.CLIENT, "ada");
    assertThat(header(after).path("kid").asText()).isNotEqualTo(header(before).path("kid").asText());

    // The unknown key id makes the API fetch the JWKS again (rate-limited by the library, hence the patience).
    long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    Reply r = withBearer("GET", "/api/v1/me", after, null);
    while (r.status() != 200 && System.nanoTime() < end) {
      Thread.sleep(500);
      r = withBearer("GET", "/api/v1/me", after, null);
    }
    assertThat(r.status()).as(r.text()).isEqualTo(200);
  }

  @Test
  void viewersGroupMapsToViewerWhoMayNotDecide() {
    String token = keycloak.accessToken(KeycloakServer.CLIENT, "vera");
    assertThat(withBearer("GET", "/api/v1/me", token, null).json().path("roles").toString()).isEqualTo("[\"viewer\"]");

    Reply r = withBearer("POST", "/api/v1/runs/some-run/approvals/r1", token, "{\"decision\": \"approve\"}");
    assertThat(r.status()).as(r.text()).isEqualTo(403);
    assertThat(r.json().path("error").asText()).contains("vera has role(s) [viewer] and may not decide approvals");
  }

  @Test
  void providerUserTheWorkerConfigDoesNotListApprovesARealRunWithItsSignedGroupRoles() throws Exception {
    String id = "partition-maintenance:main:app:sso-roles-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    String requestId = api.awaitPending(id).path("requestId").asText();
    String grace = keycloak.accessToken(KeycloakServer.CLIENT, "grace");
    assertThat(withBearer("GET", "/api/v1/me", grace, null).json().path("roles").toString())
        .isEqualTo("[\"approver\"]");

    Reply decided = withBearer("POST", "/api/v1/runs/" + id + "/approvals/" + requestId, grace,
        "{\"decision\": \"approve\", \"comment\": \"dbas group, not in the worker config\"}");

    assertThat(decided.status()).as(decided.text()).isEqualTo(200);
    assertThat(decided.json().path("outcome").asText()).isEqualTo("APPROVED");
    JsonNode approval = approvalWithComment(id, "dbas group, not in the worker config");
    assertThat(approval.path("approver").asText()).isEqualTo("grace");
    assertThat(approval.path("decision").asText()).isEqualTo("APPROVED");
    assertThat(approval.path("approverDisplayName").asText()).isEqualTo("Grace Hopper");
    assertThat(approval.path("approverSubject").asText())
        .isEqualTo(withBearer("GET", "/api/v1/me", grace, null).json().path("subject").asText());
  }

  @Test
  void pageSessionNeedsItsCsrfTokenForStateChangesAndLogoutEndsIt() throws Exception {
    CookieJar browserLike = new CookieJar();
    signIn(browserLike, "ada");
    JsonNode me = api.JSON.readTree(send(browserLike, get("/api/v1/me")).body());
    assertThat(me.path("name").asText()).isEqualTo("ada");
    assertThat(me.path("session").asBoolean()).isTrue();
    String csrf = me.path("csrfToken").asText();
    assertThat(csrf).hasSizeGreaterThan(20);

    String path = "/api/v1/runs/no-such-run-" + UUID.randomUUID() + "/approvals/r1";
    HttpResponse<String> forged = send(browserLike, post(path).build());
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("needs the header X-CSRF-Token");
    HttpResponse<String> wrong = send(browserLike, post(path).header("X-CSRF-Token", csrf + "x").build());
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> fromPage = send(browserLike, post(path).header("X-CSRF-Token", csrf).build());
    assertThat(fromPage.statusCode()).as(fromPage.body()).isEqualTo(404);

    assertThat(send(browserLike, get("/auth/logout")).statusCode()).isEqualTo(405);
    assertThat(send(browserLike, logout("forged")).statusCode()).isEqualTo(403);
    assertThat(send(browserLike, get("/api/v1/me")).statusCode()).isEqualTo(200);
    HttpResponse<String> out = send(browserLike, logout(csrf));
    assertThat(out.statusCode()).isEqualTo(302);
    assertThat(out.headers().firstValue("Location").orElseThrow())
        .startsWith(keycloak.issuer() + "/protocol/openid-connect/logout?")
        .contains("id_token_hint=").contains("post_logout_redirect_uri=");
    assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("pgr_session=;")
        && c.contains("Max-Age=0"));
    assertThat(send(browserLike, get("/api/v1/me")).statusCode()).isEqualTo(401);
  }

  @Test
  void callbackWithAnUnknownStateIsSentBackToTheLoginScreenWithASentence() throws Exception {
    HttpClient plain = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> r = send(plain, get("/auth/callback?state=forged&code=abc"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(java.net.URLDecoder.decode(r.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8))
        .contains("#/login?error=this sign-in link is unknown, used or older than ten minutes");
  }

  @Test
  void approverSignsInThroughTheProviderApprovesUnderHerIdentityAndLogsOut() throws Exception {
    String id = "partition-maintenance:main:app:oidc-" + UUID.randomUUID();
    Reply started = api.startMaintenance("olivia", id);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    api.awaitPending(id);

    try (HeadlessChromium browser = HeadlessChromium.start()) {
      WebDriver page = browser.driver();
      page.get(base() + "/#/login");
      browser.waitUntil(WAIT, d -> d.findElement(By.id("login-sso"))).click();
      browser.waitUntil(WAIT, d -> d.findElement(By.id("username"))).sendKeys("ada");
      page.findElement(By.id("password")).sendKeys("pw-ada");
      page.findElement(By.id("kc-login")).click();
      browser.waitUntil(WAIT, d -> d.findElement(By.id("whoami")).getText().startsWith("ada (approver)"));
      browser.screenshot("oidc-signed-in");

      WebElement card = browser.waitUntil(WAIT, d -> d.findElements(By.cssSelector(".approval")).stream()
          .filter(c -> id.equals(c.getDomAttribute("data-workflow-id"))).findFirst().orElse(null));
      card.findElement(By.cssSelector("textarea.comment")).sendKeys("signed in through SSO");
      card.findElement(By.cssSelector("button.approve")).click();
      WebElement message = card.findElement(By.cssSelector(".decision-message"));
      browser.waitUntil(WAIT, d -> {
        try {
          return message.getText().startsWith("Approved");
        } catch (StaleElementReferenceException cardGone) {
          return d.findElements(By.cssSelector(".approval[data-workflow-id='" + id + "']")).isEmpty();
        }
      });
      JsonNode approval = approvalWithComment(id, "signed in through SSO");
      assertThat(approval.path("approver").asText()).isEqualTo("ada");
      assertThat(approval.path("approverDisplayName").asText()).isEqualTo("Ada Lovelace");
      assertThat(approval.path("approverSubject").asText()).isEqualTo(
          withBearer("GET", "/api/v1/me", keycloak.accessToken(KeycloakServer.CLIENT, "ada"), null)
              .json().path("subject").asText());
      page.get(base() + "/#/runs/" + id);
      browser.waitUntil(WAIT, d -> d.findElement(By.id("run-approvals")).getText()
          .contains("by ada (Ada Lovelace)"));

      page.findElement(By.id("logout")).click();
      browser.waitUntil(WAIT, d -> d.findElement(By.id("login-user")));
      assertThat(page.getCurrentUrl()).startsWith(base());
      page.get(base() + "/#/approvals");
      browser.waitUntil(WAIT, d -> d.findElement(By.id("login-sso")));
      browser.screenshot("oidc-logged-out");
    }
  }

  /** The run's recorded approval with this comment, once the run shows it. */
  private static JsonNode approvalWithComment(String workflowId, String comment) throws Exception {
    JsonNode run = api.await("victor", "/api/v1/runs/" + workflowId, WAIT, v -> v.path("approvals").toString()
        .contains(comment));
    return java.util.stream.StreamSupport.stream(run.path("approvals").spliterator(), false)
        .filter(a -> a.path("comment").asText().equals(comment)).findFirst().orElseThrow();
  }

  /** Code flow by hand: /auth/login, Keycloak's form, the callback; the session cookie lands in the client. */
  private void signIn(CookieJar client, String user) throws Exception {
    HttpResponse<String> toProvider = send(client, get("/auth/login"));
    assertThat(toProvider.statusCode()).isEqualTo(302);
    String authorize = toProvider.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).contains("code_challenge_method=S256").contains("code_challenge=").contains("nonce=");
    HttpResponse<String> form = send(client, HttpRequest.newBuilder(URI.create(authorize)).GET().build());
    Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(form.body());
    assertThat(action.find()).as(form.body()).isTrue();
    HttpResponse<String> back = send(client, HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password="
            + URLEncoder.encode("pw-" + user, StandardCharsets.UTF_8) + "&credentialId=")).build());
    String callback = back.headers().firstValue("Location").orElseThrow(() -> new AssertionError(back.body()));
    assertThat(callback).startsWith(base() + "/auth/callback?");
    HttpResponse<String> done = send(client, HttpRequest.newBuilder(URI.create(callback)).GET().build());
    assertThat(done.headers().firstValue("Location")).hasValue(base() + "/#/approvals");
    assertThat(done.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("pgr_session=")
        && c.contains("HttpOnly") && c.contains("SameSite=Lax") && !c.contains("Secure"));
  }

  private static HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).GET().build();
  }

  private static HttpRequest logout(String csrf) {
    return HttpRequest.newBuilder(URI.create(base() + "/auth/logout"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))).build();
  }

  private static HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
        .header("X-Requested-By", "pg-runbooks-page").POST(HttpRequest.BodyPublishers.ofString(
            "{\"decision\": \"approve\", \"comment\": \"csrf check\"}"));
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(CookieJar client, HttpRequest request) throws Exception {
    return client.send(request);
  }

  /**
   * Cookies by name, sent to every URL of 127.0.0.1 like a browser does across ports; unlike
   * java.net.CookieManager it also sends Keycloak's Secure cookies over plain http (as browsers do on localhost).
   */
  private static final class CookieJar {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> cookies = new java.util.LinkedHashMap<>();

    HttpResponse<String> send(HttpRequest request) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).method(request.method(),
          request.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()));
      request.headers().map().forEach((k, vs) -> vs.forEach(v -> b.header(k, v)));
      if (!cookies.isEmpty()) {
        b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(java.util.stream.Collectors.joining("; ")));
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      for (String c : r.headers().allValues("Set-Cookie")) {
        String pair = c.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).strip();
        String value = pair.substring(eq + 1).strip();
        if (value.isEmpty() || c.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return r;
    }
  }

  private static JsonNode header(String jwt) throws Exception {
    return ApiFixture.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
  }

  private static JsonNode claims(String jwt) throws Exception {
    return ApiFixture.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
  }
}
