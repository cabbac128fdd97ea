package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Map;

/**
 * How the runbooks reach Patroni on a cluster with {@code topology: patroni} (section
 * {@code clusters.<name>.patroni}). The runbooks read roles from Patroni's REST API and ask it for topology
 * changes; they never run pg_ctl on its nodes.
 *
 * @param restApi Patroni's REST API base URL per node name ({@code http://db1:8008}); every node needs one
 * @param credentials Basic auth of Patroni's {@code restapi.authentication} (needed by its POST/PATCH
 *     endpoints), or null when the REST API has none; the password comes from {@code passwordEnv} or
 *     {@code passwordFile}
 * @param tls the CA that signed the REST API's certificate when the URLs are https and it is not in the
 *     system trust store; null = system trust
 * @param requestTimeout timeout of one REST call (default 5s)
 */
public record PatroniConfig(Map<String, String> restApi, Credentials credentials, Tls tls, Duration requestTimeout) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  public PatroniConfig {
    restApi = Copies.map(restApi);
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
  }

  @JsonCreator
  static PatroniConfig fromYaml(
      @JsonProperty("restApi") Map<String, String> restApi,
      @JsonProperty("credentials") Credentials credentials,
      @JsonProperty("tls") Tls tls,
      @JsonProperty("requestTimeout") Duration requestTimeout) {
    return new PatroniConfig(restApi, credentials, tls, requestTimeout);
  }

  /** The REST API URL of a node (without a trailing slash), or null when the node has none. */
  public String url(String node) {
    String url = node == null ? null : restApi.get(node);
    return url == null ? null : url.replaceAll("/+$", "");
  }

  /**
   * TLS towards the REST API.
   *
   * @param caFile CA bundle (PEM) to trust instead of the system one; relative to the config file
   */
  public record Tls(String caFile) {}
}
