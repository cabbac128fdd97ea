package io.pgrunbooks.ops.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Without a logback config every library logs at DEBUG to stdout, which would bury the CLI's own
 * output (and break {@code --json}). When nothing configured logging, the Temporal SDK and its gRPC
 * stack log only errors: the CLI reports failures itself.
 */
final class CliLogging {
  private static final List<String> NOISY = List.of("io.temporal", "io.grpc", "io.netty", "io.perfmark");

  private CliLogging() {}

  static void quiet() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    if (context.getLogger(Logger.ROOT_LOGGER_NAME).getEffectiveLevel().isGreaterOrEqual(Level.INFO)) {
      return;
    }
    for (String name : NOISY) {
      Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.ERROR);
      }
    }
  }
}
