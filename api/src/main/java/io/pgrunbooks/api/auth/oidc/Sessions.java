package io.pgrunbooks.api.auth.oidc;

import io.pgrunbooks.api.auth.ApiUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page's sign-ins, in memory: sign-ins under way (state, nonce, PKCE verifier; one use, ten
 * minutes) and sessions (user, CSRF token, the ID token for the provider's logout), each under an
 * unguessable id. A restart signs everyone out, which the page answers with its login screen.
 */
public final class Sessions {
  /** Cookie that carries the session id. */
  public static final String COOKIE = "pgr_session";
  static final Duration LOGIN_TTL = Duration.ofMinutes(10);
  static final int MAX_ENTRIES = 10_000;

  /** A sign-in under way: what the callback needs to finish it. */
  public record PendingLogin(String state, String nonce, String verifier, Instant started) {
    /** The PKCE S256 challenge of the verifier. */
    public String challenge() {
      return s256(verifier);
    }
  }

  /** A signed-in user. */
  public record Session(String id, ApiUser user, String csrfToken, String idToken, Instant expires) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, PendingLogin> logins = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Duration lifetime;
  private final Clock clock;

  public Sessions(Duration lifetime, Clock clock) {
    this.lifetime = lifetime;
    this.clock = clock;
  }

  public PendingLogin beginLogin() {
    prune(logins, l -> l.started().plus(LOGIN_TTL));
    PendingLogin l = new PendingLogin(token(), token(), token() + token(), clock.instant());
    logins.put(l.state(), l);
    return l;
  }

  /** The sign-in this state belongs to, once: a replayed or stale callback finds nothing. */
  public Optional<PendingLogin> takeLogin(String state) {
    PendingLogin l = state == null ? null : logins.remove(state);
    if (l == null || clock.instant().isAfter(l.started().plus(LOGIN_TTL))) {
      return Optional.empty();
    }
    return Optional.of(l);
  }

  public Session create(ApiUser user, String idToken) {
    prune(sessions, Session::expires);
    Session s = new Session(token(), user, token(), idToken, clock.instant().plus(lifetime));
    sessions.put(s.id(), s);
    return s;
  }

  public Optional<Session> find(String id) {
    Session s = id == null ? null : sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (clock.instant().isAfter(s.expires())) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  public Optional<Session> end(String id) {
    return Optional.ofNullable(id == null ? null : sessions.remove(id));
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** Whether {@code given} is this session's CSRF token (compared in constant time). */
  public static boolean csrfMatches(Session s, String given) {
    return given != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private <T> void prune(Map<String, T> map, java.util.function.Function<T, Instant> until) {
    Instant now = clock.instant();
    map.values().removeIf(v -> now.isAfter(until.apply(v)));
    // Bounded under a flood of abandoned sign-ins: the oldest go first.
    Iterator<String> it = map.keySet().iterator();
    while (map.size() >= MAX_ENTRIES && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String s256(String verifier) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
