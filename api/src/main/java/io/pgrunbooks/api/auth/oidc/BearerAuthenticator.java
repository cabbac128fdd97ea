package io.pgrunbooks.api.auth.oidc;

import io.dropwizard.auth.Authenticator;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.PageFriendlyUnauthorizedHandler;
import java.util.Optional;

/**
 * {@code Authorization: Bearer <JWT>} from the configured provider: a valid token becomes its
 * user with the roles of its groups; a refused one leaves its reason for the 401 body.
 */
public final class BearerAuthenticator implements Authenticator<String, ApiUser> {
  private final OidcProvider provider;
  private final RoleMapping mapping;
  private final String audience;

  public BearerAuthenticator(OidcProvider provider, RoleMapping mapping, String audience) {
    this.provider = provider;
    this.mapping = mapping;
    this.audience = audience;
  }

  @Override
  public Optional<ApiUser> authenticate(String token) {
    try {
      return Optional.of(mapping.user(provider.verify(token, audience)));
    } catch (TokenRefused e) {
      PageFriendlyUnauthorizedHandler.explain("bearer token refused: " + e.getMessage());
      return Optional.empty();
    }
  }
}
