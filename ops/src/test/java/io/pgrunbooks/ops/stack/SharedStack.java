package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One {@link LocalStack} per test JVM, started on first use (free ports, a temp dir, transient S3,
 * in-memory headless Temporal, {@link #PASSWORD} for {@code postgres}) and stopped by the stack's
 * JVM shutdown hook, with which every server of the stack registers. Test classes of every module
 * share it through the ops test-jar: starting the stack once keeps the suites fast on two cores.
 */
public final class SharedStack {
  /** Password of the {@code postgres} role on the shared PostgreSQL nodes and PgBouncer. */
  public static final String PASSWORD = "runbooks-test-password";

  private static LocalStack stack;
  private static RuntimeException startFailure;

  private SharedStack() {}

  /** The shared stack, started on the first call; a failed start fails every later call the same way. */
  public static synchronized LocalStack get() {
    if (startFailure != null) {
      throw new IllegalStateException("the shared local stack failed to start earlier in this JVM", startFailure);
    }
    if (stack == null) {
      try {
        Path dir = Files.createTempDirectory("runbooks-stack-");
        stack = LocalStack.start(LocalStackOptions.defaults(dir).withPassword(PASSWORD));
      } catch (IOException e) {
        startFailure = new UncheckedIOException(e);
        throw startFailure;
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return stack;
  }
}
