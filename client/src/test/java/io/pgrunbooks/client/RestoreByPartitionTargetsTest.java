package io.pgrunbooks.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgrunbooks.workflows.common.DataConverters;
import io.pgrunbooks.workflows.common.WorkflowTypes;
import org.junit.jupiter.api.Test;

/** The CLI and API accept RestorePartition by partition (issue 14) and still need one of the two names. */
class RestoreByPartitionTargetsTest {
  private static ObjectNode input(String json) throws Exception {
    return (ObjectNode) DataConverters.objectMapper().readTree(json);
  }

  @Test
  void restoreByPartitionNeedsNoManifestKeyAndIsNamedAfterThePartition() throws Exception {
    ObjectNode in = input("{\"cluster\": \"main\", \"database\": \"app\", \"partition\": \"public.events_2025_01\","
        + " \"archivedAt\": \"2026-01-05T09:00:00Z\"}");

    RunbookTargets.checkRequired(WorkflowTypes.RESTORE_PARTITION, in);

    assertThat(RunbookTargets.workflowId(WorkflowTypes.RESTORE_PARTITION, in))
        .isEqualTo("restore-partition:main:app:public.events_2025_01");
    assertThat(RunbookTargets.describe(WorkflowTypes.RESTORE_PARTITION, in)).isEqualTo("main/app/public.events_2025_01");
  }

  @Test
  void restoreWithNeitherManifestKeyNorPartitionIsRefused() throws Exception {
    assertThatThrownBy(() -> RunbookTargets.checkRequired(WorkflowTypes.RESTORE_PARTITION,
        input("{\"cluster\": \"main\", \"database\": \"app\"}")))
        .isInstanceOf(InputProblem.class)
        .hasMessageContaining("manifestKey");
  }
}
