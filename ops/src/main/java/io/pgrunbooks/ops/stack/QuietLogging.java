package io.pgrunbooks.ops.stack;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Logback without a config file logs everything at DEBUG; Jetty, S3Proxy and the AWS SDK then
 * flood the output and slow the stack down. When the root logs at DEBUG (the unconfigured
 * default), raise those loggers to WARN unless a config set them explicitly.
 */
public final class QuietLogging {
  private static final List<String> NOISY = List.of(
      "org.gaul", "org.eclipse.jetty", "software.amazon.awssdk", "org.apache.http", "org.apache.hc", "io.netty");

  private QuietLogging() {}

  static void apply() {
    lower(Level.WARN, NOISY);
  }

  /** Sets {@code names} to {@code level} when logging is unconfigured and a config did not set them. */
  public static void lower(Level level, List<String> names) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    if (context.getLogger(Logger.ROOT_LOGGER_NAME).getEffectiveLevel().isGreaterOrEqual(Level.INFO)) {
      return;
    }
    for (String name : names) {
      Logger logger = context.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(level);
      }
    }
  }
}
