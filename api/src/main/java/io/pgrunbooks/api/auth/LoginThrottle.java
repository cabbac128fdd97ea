package io.pgrunbooks.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Failed logins counted per user name and per client address over a sliding window: after {@code
 * perUser} failures for one name, or {@code perAddress} from one address, within {@code window},
 * further attempts are refused (HTTP 429) until the oldest failure leaves the window, whatever
 * password they carry. Unknown names count like known ones, so probing names is throttled too.
 * A successful login clears its name's failures (not its address's: one valid account must not
 * reset the limit on guessing others).
 */
public final class LoginThrottle {
  /** Keys kept at most per kind; beyond that the stalest are forgotten (bounded memory under a spray). */
  static final int MAX_KEYS = 10_000;

  private final int perUser;
  private final int perAddress;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> users = new HashMap<>();
  private final Map<String, Deque<Instant>> addresses = new HashMap<>();

  public LoginThrottle(int perUser, int perAddress, Duration window, Clock clock) {
    this.perUser = perUser;
    this.perAddress = perAddress;
    this.window = window;
    this.clock = clock;
  }

  /** 5 failures per user, 30 per address, within 5 minutes. */
  public static LoginThrottle standard() {
    return new LoginThrottle(5, 30, Duration.ofMinutes(5), Clock.systemUTC());
  }

  /** How long until {@code user} from {@code address} may try again, or empty when it may now. */
  public synchronized Optional<Duration> blocked(String user, String address) {
    Instant now = clock.instant();
    Duration u = wait(users, key(user), perUser, now);
    // An unknown address (no servlet request) is not one shared bucket: it would let anyone lock everyone out.
    Duration a = address == null ? Duration.ZERO : wait(addresses, address, perAddress, now);
    Duration longest = u.compareTo(a) >= 0 ? u : a;
    return longest.isZero() ? Optional.empty() : Optional.of(longest);
  }

  public synchronized void failed(String user, String address) {
    Instant now = clock.instant();
    record(users, key(user), now);
    if (address != null) {
      record(addresses, address, now);
    }
  }

  public synchronized void succeeded(String user) {
    users.remove(key(user));
  }

  private Duration wait(Map<String, Deque<Instant>> map, String key, int limit, Instant now) {
    Deque<Instant> times = map.get(key);
    if (times == null) {
      return Duration.ZERO;
    }
    prune(times, now);
    if (times.isEmpty()) {
      map.remove(key);
      return Duration.ZERO;
    }
    if (times.size() < limit) {
      return Duration.ZERO;
    }
    // The attempt becomes possible when enough failures have aged out to fall below the limit.
    Instant[] ordered = times.toArray(new Instant[0]);
    Instant freeAt = ordered[times.size() - limit].plus(window);
    Duration left = Duration.between(now, freeAt);
    return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
  }

  private void record(Map<String, Deque<Instant>> map, String key, Instant now) {
    if (!map.containsKey(key) && map.size() >= MAX_KEYS) {
      forgetStalest(map, now);
    }
    Deque<Instant> times = map.computeIfAbsent(key, k -> new ArrayDeque<>());
    times.addLast(now);
    prune(times, now);
  }

  private void forgetStalest(Map<String, Deque<Instant>> map, Instant now) {
    String stalest = null;
    Instant oldest = null;
    for (Iterator<Map.Entry<String, Deque<Instant>>> it = map.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Deque<Instant>> e = it.next();
      prune(e.getValue(), now);
      if (e.getValue().isEmpty()) {
        it.remove();
        continue;
      }
      if (oldest == null || e.getValue().peekLast().isBefore(oldest)) {
        oldest = e.getValue().peekLast();
        stalest = e.getKey();
      }
    }
    if (map.size() >= MAX_KEYS && stalest != null) {
      map.remove(stalest);
    }
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant cutoff = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
      times.removeFirst();
    }
    // A name hammered far past its limit needs only the newest failures to decide.
    while (times.size() > Math.max(perUser, perAddress)) {
      times.removeFirst();
    }
  }

  private static String key(String s) {
    return s == null ? "" : s;
  }
}
