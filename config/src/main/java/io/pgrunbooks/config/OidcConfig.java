package io.pgrunbooks.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * OpenID Connect sign-in for the approvals page (authorization code + PKCE) and the API (bearer JWTs).
 *
 * @param issuer the provider's issuer URL; its discovery document is {@code <issuer>/.well-known/openid-configuration}
 * @param clientId the page's client at the provider; also the audience of its ID tokens
 * @param clientSecretEnv environment variable with the client secret (a confidential client); unset for a public one
 * @param clientSecretFile file with the client secret, instead of {@code clientSecretEnv}
 * @param audience the {@code aud} a bearer token must name (default: {@code clientId})
 * @param scopes scopes the page asks for (default {@code [openid, profile, email]})
 * @param groupsClaim claim holding the user's groups (default {@code groups})
 * @param usernameClaim claim that names the user in approvals and runs (default {@code preferred_username})
 * @param roles per group, the roles its members get ({@code approver}, {@code operator}, {@code viewer} or
 *     approval roles of the {@code approvals} section)
 * @param publicUrl the URL people open the page at; the callback is {@code <publicUrl>/auth/callback}
 * @param redirectUri the callback URL, when it is not {@code <publicUrl>/auth/callback}
 * @param clockSkew how far token times ({@code exp}, {@code nbf}) may be off (default 30s)
 * @param sessionLifetime how long a page sign-in lasts (default 8h)
 */
public record OidcConfig(
    String issuer,
    String clientId,
    String clientSecretEnv,
    String clientSecretFile,
    String audience,
    List<String> scopes,
    String groupsClaim,
    String usernameClaim,
    Map<String, List<String>> roles,
    String publicUrl,
    String redirectUri,
    Duration clockSkew,
    Duration sessionLifetime) {
  public static final String CALLBACK_PATH = "/auth/callback";

  public OidcConfig {
    scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "profile", "email") : Copies.list(scopes);
    groupsClaim = Copies.or(groupsClaim, "groups");
    usernameClaim = Copies.or(usernameClaim, "preferred_username");
    roles = Copies.map(roles);
    clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
    sessionLifetime = sessionLifetime == null ? Duration.ofHours(8) : sessionLifetime;
  }

  @JsonCreator
  static OidcConfig fromYaml(
      @JsonProperty("issuer") String issuer,
      @JsonProperty("clientId") String clientId,
      @JsonProperty("clientSecretEnv") String clientSecretEnv,
      @JsonProperty("clientSecretFile") String clientSecretFile,
      @JsonProperty("audience") String audience,
      @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("groupsClaim") String groupsClaim,
      @JsonProperty("usernameClaim") String usernameClaim,
      @JsonProperty("roles") Map<String, List<String>> roles,
      @JsonProperty("publicUrl") String publicUrl,
      @JsonProperty("redirectUri") String redirectUri,
      @JsonProperty("clockSkew") Duration clockSkew,
      @JsonProperty("sessionLifetime") Duration sessionLifetime) {
    return new OidcConfig(issuer, clientId, clientSecretEnv, clientSecretFile, audience, scopes, groupsClaim,
        usernameClaim, roles, publicUrl, redirectUri, clockSkew, sessionLifetime);
  }

  /** The audience bearer tokens must carry: {@code audience}, else {@code clientId}. */
  public String expectedAudience() {
    return audience == null || audience.isBlank() ? clientId : audience;
  }

  /** Where the provider sends the browser back: {@code redirectUri}, else {@code <publicUrl>/auth/callback}. */
  public String callbackUrl() {
    if (redirectUri != null) {
      return redirectUri;
    }
    return publicUrl == null ? null : stripSlash(publicUrl) + CALLBACK_PATH;
  }

  /** The page's own URL (for the redirect after sign-in and logout): {@code publicUrl}, else the callback's origin. */
  public String pageUrl() {
    if (publicUrl != null) {
      return stripSlash(publicUrl) + "/";
    }
    URI u = URI.create(redirectUri);
    return u.getScheme() + "://" + u.getRawAuthority() + "/";
  }

  /** Whether the session cookie is {@code Secure}: the page is served over https. */
  public boolean secureCookies() {
    return pageUrl().startsWith("https://");
  }

  /** The client secret, or null for a public client. */
  public String resolveClientSecret(Map<String, String> env) {
    return Secrets.resolve("OIDC client secret", clientSecretEnv, clientSecretFile, env);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
