package io.pgrunbooks.api.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.SettableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private final SettableClock clock = new SettableClock("2026-12-06T12:00:00Z");

  private final Sessions sessions = new Sessions(Duration.ofHours(8), clock);
  private final ApiUser ada = new ApiUser("ada", Set.of("approver"), "sub-1", "Ada");

  @Test
  void aSignInStateIsUsableOnceAndForTenMinutes() {
    Sessions.PendingLogin l = sessions.beginLogin();
    assertThat(sessions.takeLogin(l.state())).contains(l);
    assertThat(sessions.takeLogin(l.state())).isEmpty();

    Sessions.PendingLogin stale = sessions.beginLogin();
    clock.advance(Duration.ofMinutes(11));
    assertThat(sessions.takeLogin(stale.state())).isEmpty();
    assertThat(sessions.takeLogin(null)).isEmpty();
  }

  @Test
  void pkceChallengeIsTheS256OfTheVerifier() throws Exception {
    Sessions.PendingLogin l = sessions.beginLogin();
    assertThat(l.verifier().length()).isBetween(43, 128);
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(l.verifier().getBytes(StandardCharsets.US_ASCII));
    assertThat(l.challenge()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
    assertThat(l.state()).isNotEqualTo(l.nonce());
  }

  @Test
  void sessionLastsItsLifetimeEndsOnLogoutAndChecksItsOwnCsrfToken() {
    Sessions.Session s = sessions.create(ada, "id-token");
    Sessions.Session other = sessions.create(ada, "id-token-2");
    assertThat(sessions.find(s.id())).contains(s);
    assertThat(Sessions.csrfMatches(s, s.csrfToken())).isTrue();
    assertThat(Sessions.csrfMatches(s, other.csrfToken())).isFalse();
    assertThat(Sessions.csrfMatches(s, null)).isFalse();

    assertThat(sessions.end(other.id())).contains(other);
    assertThat(sessions.find(other.id())).isEmpty();
    clock.advance(Duration.ofHours(8).plusSeconds(1));
    assertThat(sessions.find(s.id())).isEmpty();
  }
}
