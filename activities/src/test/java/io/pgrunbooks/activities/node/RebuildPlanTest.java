package io.pgrunbooks.activities.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.config.ConfigLoader;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.workflows.activities.NodeActivities.BaseBackupInput;
import io.pgrunbooks.workflows.activities.NodeActivities.NodePlan;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebuildPlanTest {
  private static NodePlan plan(String rebuild) {
    RunbooksConfig cfg = ConfigLoader.parse("""
        clusters:
          main:
            nodes:
              - {name: pg1, host: db1, port: 5432, dataDir: /var/lib/postgresql/15/main}
              - {name: pg2, host: db2, port: 5433, dataDir: /var/lib/postgresql/15/main, runAs: pgadmin}
            credentials: {user: replicator, passwordEnv: PGPW}
        %s""".formatted(rebuild), Map.of("PGPW", "s3cret"), "t");
    return new NodeActivitiesImpl(cfg, "pg2", Map.of("PGPW", "s3cret"))
        .rebuildPlan(new BaseBackupInput("main", "pg2", "run-1", "pg1", "db1", 5432, "pg2"));
  }

  @Test
  void pgCtlCommandsByDefaultWithThePortFromConfigAndNoSecret() {
    NodePlan p = plan("");

    assertThat(p.stop()).containsExactly(
        "/usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/postgresql/15/main -m fast -w -t 60 stop",
        "(after 60 s) /usr/lib/postgresql/15/bin/pg_ctl -D /var/lib/postgresql/15/main -m immediate -w -t 60 stop");
    assertThat(p.moveAside()).containsExactly("mv /var/lib/postgresql/15/main /var/lib/postgresql/15/main.rebuild-run-1");
    assertThat(p.baseBackup().get(0)).startsWith("PGPASSFILE=<0600 temp file> /usr/lib/postgresql/15/bin/pg_basebackup "
        + "-D /var/lib/postgresql/15/main.partial-run-1 -R -S pg2 -X stream -P")
        .contains("host=db1 port=5432 user=replicator application_name=pg2");
    assertThat(p.start().get(0)).contains("-o -p 5433 start");
    assertThat(String.join("\n", p.baseBackup()) + p.start() + p.stop()).doesNotContain("s3cret");
  }

  @Test
  void configuredControlCommandsReplaceTheirPlaceholders() {
    NodePlan p = plan("""
            rebuild:
              stopCommand: systemctl stop postgresql@15-{node}
              stopImmediateCommand: systemctl kill postgresql@15-{node}
              startCommand: systemctl start postgresql@15-{node}
        """);

    assertThat(p.stop()).containsExactly("systemctl stop postgresql@15-pg2", "(after 60 s) systemctl kill postgresql@15-pg2");
    assertThat(p.start()).containsExactly("systemctl start postgresql@15-pg2");
  }
}
