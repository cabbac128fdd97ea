package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class PgBouncerConsoleTest {
  private static LogRecord record(String message, Object... params) {
    LogRecord r = new LogRecord(Level.WARNING, message);
    r.setParameters(params);
    return r;
  }

  @Test
  void onlyTheWarningAboutPgBouncersOwnVersionIsDropped() {
    Filter f = PgBouncerConsole.withoutVersionWarning(null);

    assertThat(f.isLoggable(record("Unsupported Server Version: {0}", "1.18.0/bouncer"))).isFalse();
    assertThat(f.isLoggable(record("Unsupported Server Version: {0}", "8.4.22"))).isTrue();
    assertThat(f.isLoggable(record("Connection reset: {0}", "1.18.0/bouncer"))).isTrue();
    assertThat(f.isLoggable(record("Unsupported Server Version: {0}"))).isTrue();
  }

  @Test
  void aFilterAlreadyInPlaceStillDecidesTheRest() {
    Filter f = PgBouncerConsole.withoutVersionWarning(r -> r.getLevel() == Level.SEVERE);

    assertThat(f.isLoggable(record("something else"))).isFalse();
    assertThat(f.isLoggable(record("Unsupported Server Version: {0}", "1.18.0/bouncer"))).isFalse();
  }
}
