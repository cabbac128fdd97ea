package io.pgrunbooks.ops.cli;

import ch.qos.logback.classic.Level;
import io.pgrunbooks.ops.stack.QuietLogging;
import java.util.List;

/**
 * Without a logback config every library logs at DEBUG to stdout, which would bury the CLI's own
 * output (and break {@code --json}). When nothing configured logging, the Temporal SDK and its gRPC
 * stack log only errors: the CLI reports failures itself.
 */
final class CliLogging {
  // The AWS SDK and its HTTP client too: `archives` and `reports` read the bucket.
  private static final List<String> NOISY = List.of("io.temporal", "io.grpc", "io.netty", "io.perfmark",
      "software.amazon.awssdk", "org.apache.hc");

  private CliLogging() {}

  static void quiet() {
    QuietLogging.lower(Level.ERROR, NOISY);
  }
}
