package io.pgrunbooks.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops/prometheus: the alert rules load, and their unit tests pass, in promtool itself. */
class PrometheusRulesTest {
  static final String INSTALL = "apt-get install -y prometheus (Debian; it brings /usr/bin/promtool)";
  static final Path DIR = Tools.repoRoot().resolve("ops/prometheus");
  static final String RULES = "pg-runbooks-alerts.yml";
  static final String TESTS = "tests/pg-runbooks-alerts-test.yml";
  /** The 30/60-day look-backs, evaluated hourly: at promtool's per-minute default they take minutes. */
  static final String OVERDUE_TESTS = "tests/pg-runbooks-overdue-test.yml";

  @TempDir
  Path copy;

  @Test
  void rulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
    Path promtool = Tools.require("promtool", INSTALL);
    Tools.Result check = Tools.run(DIR, promtool.toString(), "check", "rules", RULES);
    assertThat(check.exitCode()).as(check.all()).isZero();
    Tools.Result test = Tools.run(DIR.resolve("tests"), promtool.toString(), "test", "rules",
        Path.of(TESTS).getFileName().toString(), Path.of(OVERDUE_TESTS).getFileName().toString());
    assertThat(test.exitCode()).as(test.all()).isZero();
    assertThat(test.all()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void everyAlertHasAUnitTestCase() throws Exception {
    Set<String> alerts = names(Files.readString(DIR.resolve(RULES)), "- alert: (\\w+)");
    Set<String> tested = names(Files.readString(DIR.resolve(TESTS)) + Files.readString(DIR.resolve(OVERDUE_TESTS)),
        "alertname: (\\w+)");
    assertThat(alerts).hasSizeGreaterThanOrEqualTo(12);
    assertThat(tested).containsAll(alerts);
  }

  /** Proves the unit tests hold the thresholds: a backup alert at 48h instead of 26h fails them. */
  @Test
  void aLoosenedThresholdFailsTheUnitTests() throws Exception {
    Path promtool = Tools.require("promtool", INSTALL);
    Files.createDirectories(copy.resolve("tests"));
    Files.writeString(copy.resolve(RULES), Files.readString(DIR.resolve(RULES))
        .replace("{runbook=\"Backup\"}[30d]))\n            > 26 * 3600", "{runbook=\"Backup\"}[30d]))\n            > 48 * 3600"));
    Files.copy(DIR.resolve(OVERDUE_TESTS), copy.resolve(OVERDUE_TESTS));
    assertThat(Files.readString(copy.resolve(RULES))).contains("> 48 * 3600");
    Tools.Result test = Tools.run(copy.resolve("tests"), promtool.toString(), "test", "rules",
        Path.of(OVERDUE_TESTS).getFileName().toString());
    assertThat(test.exitCode()).as(test.all()).isNotZero();
    assertThat(test.all()).contains("RunbookBackupOverdue");
  }

  private static Set<String> names(String text, String regex) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
