package io.pgrunbooks.api.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenChecksTest {
  private static final String ISS = "https://id.example.com/realms/ops";
  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private final TokenChecks checks = new TokenChecks(ISS, Duration.ofSeconds(30));

  private static Date at(Instant i) {
    return Date.from(i);
  }

  @Test
  void validTokenWithinItsLifetimeIsAccepted() {
    assertThat(checks.refusal(ISS, List.of("account", "pg-runbooks"), at(NOW.plusSeconds(60)), at(NOW), null,
        "pg-runbooks", null, NOW)).isEmpty();
  }

  @Test
  void expiryAndNotBeforeAllowTheSkewAndNoMore() {
    assertThat(checks.refusal(ISS, List.of("pg-runbooks"), at(NOW.minusSeconds(29)), null, null, "pg-runbooks",
        null, NOW)).isEmpty();
    assertThat(checks.refusal(ISS, List.of("pg-runbooks"), at(NOW.minusSeconds(31)), null, null, "pg-runbooks",
        null, NOW)).hasValue("the token expired at 2026-12-06T11:59:29Z (31 s ago); get a new one");
    assertThat(checks.refusal(ISS, List.of("pg-runbooks"), at(NOW.plusSeconds(300)), at(NOW.plusSeconds(31)), null,
        "pg-runbooks", null, NOW)).get().asString().startsWith("the token is not valid before 2026-12-06T12:00:31Z");
    assertThat(checks.refusal(ISS, List.of("pg-runbooks"), null, null, null, "pg-runbooks", null, NOW))
        .get().asString().contains("no expiry");
  }

  @Test
  void otherIssuerAudienceOrNonceAreRefusedNamingWhatTheTokenSays() {
    assertThat(checks.refusal("https://evil.example.com", List.of("pg-runbooks"), at(NOW.plusSeconds(60)), null,
        null, "pg-runbooks", null, NOW)).hasValue("the token was issued by https://evil.example.com, not by the"
        + " configured issuer " + ISS);
    assertThat(checks.refusal(ISS, List.of("account"), at(NOW.plusSeconds(60)), null, null, "pg-runbooks", null,
        NOW)).get().asString().startsWith("the token is meant for audience account, not for pg-runbooks");
    assertThat(checks.refusal(ISS, List.of(), at(NOW.plusSeconds(60)), null, null, "pg-runbooks", null, NOW))
        .get().asString().startsWith("the token is meant for no audience (no aud claim)");
    assertThat(checks.refusal(ISS, List.of("pg-runbooks"), at(NOW.plusSeconds(60)), null, "n1", "pg-runbooks", "n2",
        NOW)).get().asString().contains("nonce does not match");
  }
}
