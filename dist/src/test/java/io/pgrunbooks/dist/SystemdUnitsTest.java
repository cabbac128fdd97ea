package io.pgrunbooks.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The units of ops/systemd checked by {@code systemd-analyze verify}. verify refuses a unit whose
 * ExecStart binary does not exist, and the tests must not install anything under /opt: each unit is
 * verified as a copy whose /opt/pg-runbooks paths point into a temporary root with stub scripts.
 */
class SystemdUnitsTest {
  static final String INSTALL = "apt-get install -y systemd (Debian; it brings systemd-analyze)";
  static final List<String> UNITS = List.of("runbooks-worker.service", "runbooks-api.service", "runbooks-agent@.service");

  @TempDir
  Path root;

  @Test
  void everyUnitPassesSystemdAnalyzeVerifyWithoutAWarning() throws Exception {
    Tools.Result r = verify(Map.of());
    assertThat(r.exitCode()).as(r.all()).isZero();
    assertThat(r.all()).as("systemd-analyze verify prints nothing for clean units").isBlank();
  }

  /** Proves the check above would see a mistake: verify only warns (exit 0) on an unknown key. */
  @Test
  void aMisspelledHardeningKeyIsReportedByTheCheck() throws Exception {
    Tools.Result r = verify(Map.of("ProtectSystem=strict", "ProtectSytem=strict"));
    assertThat(r.all()).contains("Unknown key 'ProtectSytem'");
  }

  @Test
  void everyUnitRestartsOnFailureAndIsHardenedAsANonRootUser() throws Exception {
    for (String unit : UNITS) {
      Map<String, List<String>> keys = keys(Tools.repoRoot().resolve("ops/systemd").resolve(unit));
      assertThat(keys.get("Restart")).as(unit).containsExactly("on-failure");
      assertThat(keys.get("NoNewPrivileges")).as(unit).containsExactly("yes");
      assertThat(keys.get("ProtectSystem")).as(unit).containsExactly("strict");
      assertThat(keys.get("ProtectHome")).as(unit).containsExactly("yes");
      assertThat(keys.get("CapabilityBoundingSet")).as(unit + ": no capabilities").containsExactly("");
      assertThat(keys.get("User")).as(unit).hasSize(1).doesNotContain("root", "0");
      assertThat(keys.get("ExecStart").get(0)).as(unit).startsWith("/opt/pg-runbooks/bin/runbooks-");
    }
    assertThat(keys(Tools.repoRoot().resolve("ops/systemd/runbooks-worker.service")).get("User"))
        .containsExactly("pg-runbooks");
    Map<String, List<String>> agent = keys(Tools.repoRoot().resolve("ops/systemd/runbooks-agent@.service"));
    assertThat(agent.get("ExecStart").get(0)).contains("--node %i");
    // A PostgreSQL started by the agent's pg_ctl must survive an agent restart.
    assertThat(agent.get("KillMode")).containsExactly("process");
  }

  private Tools.Result verify(Map<String, String> edits) throws Exception {
    Path verify = Tools.require("systemd-analyze", INSTALL);
    Path bin = root.resolve("opt/pg-runbooks/bin");
    Files.createDirectories(bin);
    for (String b : Set.of("runbooks-worker", "runbooks-api", "runbooks-agent")) {
      Path stub = bin.resolve(b);
      Files.writeString(stub, "#!/bin/sh\nexit 0\n");
      stub.toFile().setExecutable(true);
    }
    Path units = Files.createDirectories(root.resolve("units"));
    List<String> command = new ArrayList<>(List.of(verify.toString(), "verify", "--man=no"));
    for (String unit : UNITS) {
      String text = Files.readString(Tools.repoRoot().resolve("ops/systemd").resolve(unit))
          .replace("/opt/pg-runbooks/bin/", bin + "/");
      for (var e : edits.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      Files.writeString(units.resolve(unit), text);
      // A template is verified through an instance, as systemd would load it.
      command.add(units.resolve(unit.replace("@.service", "@pg1.service")).toString());
    }
    return Tools.run(units, Map.of("SYSTEMD_LOG_COLOR", "0"), command);
  }

  private static Map<String, List<String>> keys(Path unit) throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(unit)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith("[") || !l.contains("=")) {
        continue;
      }
      out.computeIfAbsent(l.substring(0, l.indexOf('=')), k -> new ArrayList<>()).add(l.substring(l.indexOf('=') + 1));
    }
    return out;
  }
}
