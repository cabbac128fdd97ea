package io.pgrunbooks.activities.patroni;

import io.pgrunbooks.config.PatroniConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Patroni's REST API of one cluster: the URL of each node from {@code clusters.<name>.patroni.restApi}, Basic
 * auth from its credentials (sent only where Patroni asks for it: POST, PATCH, DELETE), the CA from
 * {@code tls.caFile}. Answers are returned as text; {@link PatroniStatus} reads them.
 */
final class PatroniRestClient {
  private final PatroniConfig config;
  private final Supplier<Map<String, String>> env;
  private final HttpClient http;

  /** @param env where the password of the credentials is resolved from, only when a call needs it */
  PatroniRestClient(PatroniConfig config, Supplier<Map<String, String>> env) {
    this.config = config;
    this.env = env;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(config.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    if (config.tls() != null && config.tls().caFile() != null) {
      b.sslContext(trusting(Path.of(config.tls().caFile())));
    }
    this.http = b.build();
  }

  /** A node's answer: HTTP status and body. */
  record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * {@code GET <node's URL><path>}. Patroni's health endpoints answer 503 with a JSON body for a member that is
   * not what they check, so a non-2xx answer is returned, not thrown.
   *
   * @throws IOException when the node does not answer (refused, timed out, TLS)
   */
  Answer get(String node, String path) throws IOException {
    return send(node, path, HttpRequest.newBuilder(uri(node, path)).GET());
  }

  private Answer send(String node, String path, HttpRequest.Builder request) throws IOException {
    try {
      HttpResponse<String> r = http.send(request.timeout(config.requestTimeout()).header("Accept", "application/json")
          .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + node + " for " + path, e);
    }
  }

  /**
   * {@code POST <node's URL><path>} with a JSON body and the configured Basic auth. The answer is returned
   * whatever its status: Patroni's 503 on {@code /switchover} means "status unknown", not "failed".
   */
  Answer post(String node, String path, String json) throws IOException {
    return withBody(node, path, "POST", json);
  }

  /**
   * {@link #post} without waiting: the answer completes the future; a node that does not answer completes it
   * exceptionally with an IOException.
   */
  CompletableFuture<Answer> postAsync(String node, String path, String json) {
    return http.sendAsync(bodyRequest(node, path, "POST", json).timeout(config.requestTimeout())
            .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(r -> new Answer(r.statusCode(), r.body()));
  }

  /** {@code PATCH <node's URL><path>} with a JSON body and the configured Basic auth. */
  Answer patch(String node, String path, String json) throws IOException {
    return withBody(node, path, "PATCH", json);
  }

  private Answer withBody(String node, String path, String method, String json) throws IOException {
    return send(node, path, bodyRequest(node, path, method, json));
  }

  private HttpRequest.Builder bodyRequest(String node, String path, String method, String json) {
    HttpRequest.Builder r = HttpRequest.newBuilder(uri(node, path)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    String password = config.credentials() == null ? null : config.credentials().resolvePassword(env.get());
    if (password != null) {
      r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          (config.credentials().user() + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return r;
  }

  private URI uri(String node, String path) {
    String base = config.url(node);
    if (base == null) {
      throw new IllegalArgumentException("node " + node + " has no Patroni REST API URL in the config");
    }
    return URI.create(base + path);
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("patroni-ca-" + i++, cert);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("patroni.tls.caFile " + caFile + " is not a readable PEM CA bundle: "
          + e.getMessage(), e);
    }
  }
}
