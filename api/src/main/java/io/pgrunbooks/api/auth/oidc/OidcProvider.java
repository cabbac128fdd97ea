package io.pgrunbooks.api.auth.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.pgrunbooks.config.OidcConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The OpenID provider as read from its discovery document: its endpoints, and its signing keys
 * (JWKS, cached, fetched again when a token names a key id the cache does not hold, so a key
 * rotation needs no restart). Verifies bearer tokens and ID tokens: signature first, then the
 * claims ({@link TokenChecks}).
 */
public final class OidcProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512);

  private final String issuer;
  private final URI authorizationEndpoint;
  private final URI tokenEndpoint;
  private final URI endSessionEndpoint;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final TokenChecks checks;
  private final Clock clock;

  private OidcProvider(String issuer, JsonNode discovery, Duration skew, Clock clock) throws IOException {
    this.issuer = issuer;
    this.clock = clock;
    authorizationEndpoint = uri(discovery, "authorization_endpoint", true);
    tokenEndpoint = uri(discovery, "token_endpoint", true);
    endSessionEndpoint = uri(discovery, "end_session_endpoint", false);
    URL jwks = uri(discovery, "jwks_uri", true).toURL();
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks, new DefaultResourceRetriever(5000, 5000, 512 * 1024))
        .retrying(true)
        .build();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
    // Access tokens are "JWT" or "at+jwt" (RFC 9068); ID tokens "JWT" or none.
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"),
        new JOSEObjectType("application/at+jwt"), null));
    // The claims are checked by TokenChecks, which says why in a sentence.
    processor.setJWTClaimsSetVerifier((claims, context) -> { });
    checks = new TokenChecks(issuer, skew);
  }

  /**
   * Reads {@code <issuer>/.well-known/openid-configuration}; the start stops with a sentence when the
   * provider cannot be reached or its document names another issuer.
   */
  public static OidcProvider discover(OidcConfig config, HttpClient http, Clock clock) {
    String issuer = config.issuer().endsWith("/") ? config.issuer().substring(0, config.issuer().length() - 1)
        : config.issuer();
    URI doc = URI.create(issuer + "/.well-known/openid-configuration");
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(doc).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("api.oidc.issuer: the discovery document " + doc + " answered HTTP "
            + r.statusCode() + "; check the issuer URL (for Keycloak: https://<host>/realms/<realm>)");
      }
      JsonNode discovery = JSON.readTree(r.body());
      String advertised = discovery.path("issuer").asText(null);
      if (!config.issuer().equals(advertised) && !issuer.equals(advertised)) {
        throw new IllegalStateException("api.oidc.issuer: " + config.issuer() + " differs from the issuer its "
            + "discovery document names (" + advertised + "); tokens carry that one, so configure it exactly");
      }
      return new OidcProvider(advertised, discovery, config.clockSkew(), clock);
    } catch (IOException e) {
      throw new IllegalStateException("api.oidc.issuer: the discovery document " + doc + " could not be read ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + doc, e);
    }
  }

  /** The claims of a bearer token meant for {@code audience}, or why it is refused. */
  public Map<String, Object> verify(String token, String audience) throws TokenRefused {
    return verify(token, audience, null);
  }

  /** The claims of an ID token for this sign-in ({@code nonce}), or why it is refused. */
  public Map<String, Object> verify(String token, String audience, String nonce) throws TokenRefused {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw new TokenRefused("the bearer token is not a signed JWT (" + e.getMessage() + ")");
    } catch (KeySourceException e) {
      throw new TokenRefused("the provider's signing keys could not be read to check the token (" + e.getMessage() + ")");
    } catch (BadJOSEException e) {
      throw new TokenRefused("the token's signature does not verify against the keys of " + issuer + " ("
          + e.getMessage() + ")");
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new TokenRefused("the token could not be checked (" + e.getMessage() + ")");
    }
    var refusal = checks.refusal(claims.getIssuer(), claims.getAudience(), claims.getExpirationTime(),
        claims.getNotBeforeTime(), text(claims.getClaim("nonce")), audience, nonce, clock.instant());
    if (refusal.isPresent()) {
      throw new TokenRefused(refusal.get());
    }
    return claims.getClaims();
  }

  public URI authorizationEndpoint() {
    return authorizationEndpoint;
  }

  public URI tokenEndpoint() {
    return tokenEndpoint;
  }

  /** The provider's logout endpoint, or null when its discovery document names none. */
  public URI endSessionEndpoint() {
    return endSessionEndpoint;
  }

  private static String text(Object o) {
    return o == null ? null : o.toString();
  }

  private static URI uri(JsonNode discovery, String field, boolean required) {
    String v = discovery.path(field).asText(null);
    if (v == null || v.isBlank()) {
      if (required) {
        throw new IllegalStateException("api.oidc.issuer: the provider's discovery document has no " + field);
      }
      return null;
    }
    return URI.create(v);
  }
}
