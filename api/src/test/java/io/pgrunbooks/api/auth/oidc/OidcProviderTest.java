package io.pgrunbooks.api.auth.oidc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.pgrunbooks.config.OidcConfig;
import io.pgrunbooks.ops.stack.Prerequisites;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A provider that cannot be used stops the start with a sentence naming the issuer setting. */
class OidcProviderTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private static OidcConfig config(String issuer) {
    return new OidcConfig(issuer, "pg-runbooks", null, null, null, null, null, null, Map.of("dbas", List.of("approver")),
        "http://127.0.0.1:8080", null, null, null);
  }

  @Test
  void unreachableProviderNamesTheDiscoveryUrl() {
    String issuer = "http://127.0.0.1:" + Prerequisites.freePort() + "/realms/ops";
    assertThatThrownBy(() -> OidcProvider.discover(config(issuer), http, Clock.systemUTC()))
        .hasMessageStartingWith("api.oidc.issuer: the discovery document " + issuer
            + "/.well-known/openid-configuration could not be read (ConnectException");
  }

  @Test
  void discoveryOfAnotherIssuerOrWithoutEndpointsIsRefused() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/other/.well-known/openid-configuration", ex -> {
      byte[] body = "{\"issuer\": \"https://elsewhere.example.com\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/bare/.well-known/openid-configuration", ex -> {
      String own = "http://127.0.0.1:" + server.getAddress().getPort() + "/bare";
      byte[] body = ("{\"issuer\": \"" + own + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      assertThatThrownBy(() -> OidcProvider.discover(config(base + "/other"), http, Clock.systemUTC()))
          .hasMessageContaining("differs from the issuer its discovery document names (https://elsewhere.example.com)");
      assertThatThrownBy(() -> OidcProvider.discover(config(base + "/bare"), http, Clock.systemUTC()))
          .hasMessage("api.oidc.issuer: the provider's discovery document has no authorization_endpoint");
      assertThatThrownBy(() -> OidcProvider.discover(config(base + "/missing"), http, Clock.systemUTC()))
          .hasMessageContaining("answered HTTP 404; check the issuer URL");
    } finally {
      server.stop(0);
    }
  }
}
