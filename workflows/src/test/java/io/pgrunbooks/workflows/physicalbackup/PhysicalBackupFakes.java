package io.pgrunbooks.workflows.physicalbackup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory stand-ins for PhysicalBackup's activities: a repository of labelled backups. */
public final class PhysicalBackupFakes {
  private PhysicalBackupFakes() {}

  /** The central worker's facts: pg1 is primary, stanza main. */
  public static final class Central implements PhysicalBackupActivities {
    public volatile int retentionFull = 2;
    public volatile int minFull = 1;
    public volatile boolean backupStandby;
    public volatile List<StandbyCandidate> replicas = List.of();

    @Override
    public PhysicalBackupTarget physicalBackupTarget(String cluster) {
      if (!"main".equals(cluster)) {
        throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure("unknown cluster '" + cluster + "'",
            "BadInput");
      }
      return backupStandby ? new PhysicalBackupTarget("pg1", "main", retentionFull, minFull, 5, true, replicas)
          : new PhysicalBackupTarget("pg1", "main", retentionFull, minFull, 5);
    }
  }

  /**
   * A node's agent (pg1's by default): the repository as a list, oldest first; every call is logged, a backup from a
   * standby as {@code backup <type> on <node> standby of <primary>}. Agents made from another share its repository.
   */
  public static final class Agent implements PgBackRestActivities {
    public final String node;
    public final List<PgBackRestBackup> repo;
    public final List<String> calls;
    private long clock = 1_765_000_000L;

    public Agent() {
      this.node = "pg1";
      this.repo = new CopyOnWriteArrayList<>();
      this.calls = new CopyOnWriteArrayList<>();
    }

    /** Node {@code node}'s agent on the same repository (and call log) as {@code shared}. */
    public Agent(String node, Agent shared) {
      this.node = node;
      this.repo = shared.repo;
      this.calls = shared.calls;
    }

    /** Adds a backup as if taken earlier; returns its label. */
    public String add(String type) {
      clock += 86_400;
      String last = repo.isEmpty() ? null : repo.get(repo.size() - 1).label();
      String fullLabel = repo.stream().filter(PgBackRestBackup::full).map(PgBackRestBackup::label)
          .reduce((a, b) -> b).orElse(null);
      String label = "full".equals(type) ? clock + "F" : fullLabel + "_" + clock + type.substring(0, 1).toUpperCase();
      List<String> refs = "full".equals(type) ? List.of() : "diff".equals(type) ? List.of(fullLabel)
          : new ArrayList<>(List.of(fullLabel, last)).stream().distinct().toList();
      repo.add(new PgBackRestBackup(label, type, clock, clock + 60, 1_000_000, 250_000,
          "000000010000000000000002", "000000010000000000000003", refs, null));
      return label;
    }

    @Override
    public List<PgBackRestBackup> pgbackrestInfo(PgBackRestCall call) {
      return List.copyOf(repo);
    }

    @Override
    public PgBackRestBackup pgbackrestBackup(PgBackRestCall call) {
      calls.add("backup " + call.type() + (call.primary() == null ? "" : " on " + node + " standby of "
          + call.primary()));
      add(call.type());
      PgBackRestBackup b = repo.remove(repo.size() - 1);
      PgBackRestBackup annotated = new PgBackRestBackup(b.label(), b.type(), b.startEpoch(), b.stopEpoch(), b.size(),
          b.repoSize(), b.walStart(), b.walStop(), b.references(), call.runKey());
      repo.add(annotated);
      return annotated;
    }

    @Override
    public void pgbackrestAnnotate(PgBackRestAnnotateCall call) {
      calls.add("annotate " + call.label());
      prove(call.label(), call.proof());
    }

    /** Marks {@code label} as a passed drill would. */
    public void prove(String label, String proof) {
      repo.replaceAll(b -> b.label().equals(label) ? new PgBackRestBackup(b.label(), b.type(), b.startEpoch(),
          b.stopEpoch(), b.size(), b.repoSize(), b.walStart(), b.walStop(), b.references(), b.runKey(), proof) : b);
    }

    @Override
    public List<String> pgbackrestExpire(PgBackRestCall call) {
      calls.add("expire " + String.join(",", call.labels()));
      repo.removeIf(b -> call.labels().contains(b.label()) || b.references().stream().anyMatch(call.labels()::contains));
      return call.labels();
    }
  }
}
