package io.pgrunbooks.ops.stack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One JVM shutdown hook for every server of the stack still open, so a failing test or a killed
 * {@code runbooks dev} never leaves PostgreSQL, PgBouncer or Temporal running behind it.
 */
final class ShutdownRegistry {
  private static final Set<AutoCloseable> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());
  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private ShutdownRegistry() {}

  static void register(AutoCloseable resource) {
    if (HOOKED.compareAndSet(false, true)) {
      Runtime.getRuntime().addShutdownHook(new Thread(ShutdownRegistry::closeAll, "runbooks-stack-shutdown"));
    }
    OPEN.add(resource);
  }

  static void unregister(AutoCloseable resource) {
    OPEN.remove(resource);
  }

  private static void closeAll() {
    List<AutoCloseable> open;
    synchronized (OPEN) {
      open = new ArrayList<>(OPEN);
    }
    // Newest first: a LocalStack closes before the servers it started.
    Collections.reverse(open);
    for (AutoCloseable resource : open) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("runbooks local stack: failed to stop " + resource + ": " + e);
      }
    }
  }
}
