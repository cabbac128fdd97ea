package io.pgrunbooks.api.auth.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The claim checks of a token whose signature already verified: issuer, audience, expiry and
 * not-before (each with the configured clock skew), and the nonce of a sign-in. Each refusal is a
 * sentence saying why, for the 401 body and the page.
 */
public final class TokenChecks {
  private final String issuer;
  private final Duration skew;

  public TokenChecks(String issuer, Duration skew) {
    this.issuer = issuer;
    this.skew = skew;
  }

  /**
   * Why a token with these claims is refused, or empty when it is accepted.
   *
   * @param nonce the nonce the sign-in sent, or null for a bearer token
   */
  public Optional<String> refusal(String iss, List<String> aud, Date exp, Date nbf, String tokenNonce,
                                  String audience, String nonce, Instant now) {
    if (!issuer.equals(iss)) {
      return Optional.of("the token was issued by " + (iss == null ? "nobody (no iss claim)" : iss)
          + ", not by the configured issuer " + issuer);
    }
    if (aud == null || !aud.contains(audience)) {
      return Optional.of("the token is meant for " + (aud == null || aud.isEmpty() ? "no audience (no aud claim)"
          : "audience " + String.join(", ", aud)) + ", not for " + audience
          + "; ask the provider to add " + audience + " to the token's aud (an audience mapper)");
    }
    if (exp == null) {
      return Optional.of("the token has no expiry (exp claim); tokens without one are refused");
    }
    if (now.isAfter(exp.toInstant().plus(skew))) {
      return Optional.of("the token expired at " + exp.toInstant() + " ("
          + Duration.between(exp.toInstant(), now).toSeconds() + " s ago); get a new one");
    }
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      return Optional.of("the token is not valid before " + nbf.toInstant() + "; check the clocks of this server"
          + " and the provider");
    }
    if (nonce != null && !nonce.equals(tokenNonce)) {
      return Optional.of("the ID token's nonce does not match this sign-in; start the sign-in again");
    }
    return Optional.empty();
  }
}
