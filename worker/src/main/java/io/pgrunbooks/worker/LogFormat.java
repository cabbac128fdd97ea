package io.pgrunbooks.worker;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.pgrunbooks.config.WorkerConfig;
import java.net.URL;
import org.slf4j.LoggerFactory;

/** Switches logback to the JSON configuration when the config says {@code worker.logFormat: json}. */
final class LogFormat {
  private LogFormat() {}

  static void apply(String format) {
    if (!WorkerConfig.JSON.equals(format) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    URL json = LogFormat.class.getResource("/logback-json.xml");
    ctx.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    try {
      configurator.doConfigure(json);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot load logback-json.xml: " + e.getMessage(), e);
    }
  }
}
