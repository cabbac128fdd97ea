package io.pgrunbooks.ops.stack;

/**
 * One Temporal dev server WITH its Web UI (on a free port) per test JVM, for the Temporal UI browser
 * tests and the schedule tests that share its state; the shared {@link SharedStack}'s server is
 * headless. Stopped by the JVM shutdown hook the server registers with.
 */
public final class SharedUiTemporal {
  private static TemporalDevServer server;

  private SharedUiTemporal() {}

  public static synchronized TemporalDevServer get() {
    if (server == null) {
      server = TemporalDevServer.start(new TemporalDevServerOptions(0, Prerequisites.freePort(), null, null));
    }
    return server;
  }
}
