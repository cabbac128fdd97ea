package io.pgrunbooks.api.auth.oidc;

/** A token that is not accepted; the message says why in a sentence. */
public final class TokenRefused extends Exception {
  public TokenRefused(String message) {
    super(message);
  }
}
