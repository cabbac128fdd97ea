package io.pgrunbooks.activities.s3;

import io.temporal.activity.ActivityExecutionContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** Heartbeats bytes done at most once a second, with optional fixed details (an upload id). */
public final class Heartbeats {
  private final ActivityExecutionContext ctx;
  private final Map<String, Object> details = new LinkedHashMap<>();
  private long last;

  public Heartbeats(ActivityExecutionContext ctx) {
    this.ctx = ctx;
  }

  public void put(String key, Object value) {
    details.put(key, value);
    send(0);
  }

  public void bytes(long bytes) {
    long now = System.nanoTime();
    if (now - last >= 1_000_000_000L) {
      last = now;
      send(bytes);
    }
  }

  private void send(long bytes) {
    if (ctx == null) {
      return;
    }
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put("bytes", bytes);
    ctx.heartbeat(d);
  }
}
