package io.pgrunbooks.workflows.physicalbackup;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.workflows.physicalbackup.PhysicalBackupRules.ExpirePlan;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhysicalBackupRulesTest {
  private static PgBackRestBackup b(String label, String type, long start, String... refs) {
    return new PgBackRestBackup(label, type, start, start + 1, 1, 1, "A", "B", List.of(refs), null);
  }

  private static final List<PgBackRestBackup> REPO = List.of(
      b("1F", "full", 1), b("1F_2I", "incr", 2, "1F"), b("1F_3D", "diff", 3, "1F"),
      b("4F", "full", 4), b("4F_5I", "incr", 5, "4F"), b("6F", "full", 6));

  @Test
  void typesAreNormalisedAndUnknownOnesRefused() {
    assertThat(PhysicalBackupRules.requestedType(null)).isEqualTo("incr");
    assertThat(PhysicalBackupRules.requestedType(" Full ")).isEqualTo("full");
    assertThat(PhysicalBackupRules.requestedType("weekly")).isNull();
  }

  @Test
  void anythingButFullBecomesFullOnAnEmptyRepository() {
    assertThat(PhysicalBackupRules.typeToTake("diff", List.of())).isEqualTo("full");
    assertThat(PhysicalBackupRules.typeToTake("incr", List.of(b("1F_2I", "incr", 2, "1F")))).isEqualTo("full");
    assertThat(PhysicalBackupRules.typeToTake("diff", REPO)).isEqualTo("diff");
  }

  @Test
  void fullsBeyondRetentionGoWithTheirDependentsOldestFirst() {
    ExpirePlan p = PhysicalBackupRules.expirePlan(REPO, 1, 1, Set.of());

    assertThat(p.expire()).containsExactly("1F", "4F");
    assertThat(p.dependents()).containsExactly("1F", "1F_2I", "1F_3D", "4F", "4F_5I");
    assertThat(p.fullsLeft()).isEqualTo(1);
  }

  @Test
  void unprovenBackupsNeedApprovalAndProvenOnesWithinTheMinimumDoNot() {
    assertThat(PhysicalBackupRules.expirePlan(REPO, 2, 1, Set.of()).needsApproval())
        .singleElement().asString().isEqualTo("no restore drill has proven 1F (nor any backup depending on it)");
    assertThat(PhysicalBackupRules.expirePlan(REPO, 2, 1, Set.of("1F", "1F_2I", "1F_3D")).needsApproval()).isEmpty();
  }

  @Test
  void aDrillProofOnAnyBackupOfTheChainProvesTheFullItDependsOn() {
    List<PgBackRestBackup> repo = REPO.stream().map(b -> b.label().equals("1F_2I") ? proven(b, "restore-drill:main/r1@t")
        : b).toList();

    ExpirePlan p = PhysicalBackupRules.expirePlan(repo, 2, 1);

    assertThat(p.expire()).containsExactly("1F");
    assertThat(p.needsApproval()).isEmpty();
    assertThat(p.provenBy()).containsExactly("1F_2I: restore-drill:main/r1@t");
  }

  @Test
  void aProofOnAnotherChainDoesNotProveTheOneToDelete() {
    List<PgBackRestBackup> repo = REPO.stream().map(b -> b.label().equals("4F_5I") ? proven(b, "restore-drill:main/r2@t")
        : b).toList();

    ExpirePlan p = PhysicalBackupRules.expirePlan(repo, 1, 1);

    assertThat(p.expire()).containsExactly("1F", "4F");
    assertThat(p.provenBy()).containsExactly("4F_5I: restore-drill:main/r2@t");
    assertThat(p.needsApproval()).containsExactly("no restore drill has proven 1F (nor any backup depending on it)");
  }

  @Test
  void withoutAnyProofEveryExpireAsks() {
    assertThat(PhysicalBackupRules.expirePlan(REPO, 1, 1).needsApproval())
        .containsExactly("no restore drill has proven 1F, 4F (nor any backup depending on them)");
  }

  private static PgBackRestBackup proven(PgBackRestBackup b, String proof) {
    return new PgBackRestBackup(b.label(), b.type(), b.startEpoch(), b.stopEpoch(), b.size(), b.repoSize(), b.walStart(),
        b.walStop(), b.references(), b.runKey(), proof);
  }

  @Test
  void leavingFewerFullsThanTheMinimumNeedsApprovalEvenWhenProven() {
    ExpirePlan p = PhysicalBackupRules.expirePlan(REPO, 1, 2, Set.of("1F", "1F_2I", "1F_3D", "4F", "4F_5I"));

    assertThat(p.needsApproval()).containsExactly("1 full backups would remain, fewer than the minimum 2");
  }

  @Test
  void withinRetentionNothingExpires() {
    ExpirePlan p = PhysicalBackupRules.expirePlan(REPO, 3, 1, Set.of());

    assertThat(p.empty()).isTrue();
    assertThat(p.needsApproval()).isEmpty();
  }

  @Test
  void theStandbyIsTheStreamingReplicaWithTheLeastLagAndNoneWhenNoneStreams() {
    assertThat(PhysicalBackupRules.standby(List.of(new StandbyCandidate("pg2", "streaming", 800),
        new StandbyCandidate("pg3", "catchup", 0), new StandbyCandidate("pg4", "streaming", 20)))).extracting(
        StandbyCandidate::node).isEqualTo("pg4");
    assertThat(PhysicalBackupRules.standby(List.of(new StandbyCandidate("pg3", "streaming", 5),
        new StandbyCandidate("pg2", "streaming", 5)))).extracting(StandbyCandidate::node).isEqualTo("pg2");
    assertThat(PhysicalBackupRules.standby(List.of(new StandbyCandidate("pg2", null, -1),
        new StandbyCandidate("pg3", "startup", 0)))).isNull();
    assertThat(PhysicalBackupRules.standby(List.of())).isNull();
  }
}
