package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {
  @Test
  void theBuildRecordsTheProjectVersionAndAFullCommitId() {
    BuildInfo b = BuildInfo.current();
    assertThat(b.version()).isNotEqualTo("unknown").doesNotContain("${");
    assertThat(b.commit()).matches("[0-9a-f]{40}|unknown");
  }

  @Test
  void aBuildOutsideAGitCheckoutSaysUnknownInsteadOfAnUnresolvedProperty() {
    assertThat(BuildInfo.of("0.1.0", "${git.commit}").commit()).isEqualTo("unknown");
    assertThat(BuildInfo.of("0.1.0", "").commit()).isEqualTo("unknown");
    assertThat(BuildInfo.of("0.1.0", "fatal: not a git repository").commit()).isEqualTo("unknown");
    assertThat(BuildInfo.of("0.1.0", "16fff9096c4e9a865f84832be486dcd2ad687408\n").line("runbooks"))
        .isEqualTo("runbooks 0.1.0 (commit 16fff9096c4e9a865f84832be486dcd2ad687408)");
  }
}
