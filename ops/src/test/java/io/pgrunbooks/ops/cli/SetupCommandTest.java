package io.pgrunbooks.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.ops.stack.LocalStack;
import io.pgrunbooks.ops.stack.SharedStack;
import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `runbooks setup` against the real Temporal dev server, on a namespace that has none of the attributes. */
class SetupCommandTest {
  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new RunbooksCli());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return new Run(cmd.execute(args), out.toString(), err.toString());
  }

  @Test
  void setupRegistersTheContractsSearchAttributesOnAFreshNamespaceAndIsIdempotent() throws Exception {
    LocalStack stack = SharedStack.get();
    String address = stack.temporal().address();
    String ns = "setup-" + UUID.randomUUID().toString().substring(0, 8);
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setTarget(address).validateAndBuildWithDefaults());
    try {
      service.blockingStub().registerNamespace(RegisterNamespaceRequest.newBuilder().setNamespace(ns)
          .setWorkflowExecutionRetentionPeriod(com.google.protobuf.Duration.newBuilder().setSeconds(86400)).build());

      Run first = awaitSetup(address, ns);
      assertThat(first.code()).as(first.out() + first.err()).isZero();
      assertThat(first.out()).contains("RunbookType (Keyword): registered").contains("RunbookDryRun (Bool): registered")
          .contains("namespace " + ns + " on " + address + " is ready");
      Map<String, IndexedValueType> attrs = operator.blockingStub().listSearchAttributes(
          ListSearchAttributesRequest.newBuilder().setNamespace(ns).build()).getCustomAttributesMap();
      assertThat(attrs).containsEntry("RunbookBackupAgeHours", IndexedValueType.INDEXED_VALUE_TYPE_INT)
          .containsKeys(SearchAttributes.DEFINITIONS.keySet().toArray(String[]::new));

      Run again = cli("setup", "--address", address, "--namespace", ns);
      assertThat(again.code()).as(again.err()).isZero();
      assertThat(again.out()).contains("RunbookType (Keyword): already registered").doesNotContain(": registered");
    } finally {
      operator.shutdown();
      service.shutdown();
    }
  }

  @Test
  void aMissingNamespaceIsRefusedWithoutRegisteringAnything() {
    Run r = cli("setup", "--address", SharedStack.get().temporal().address(), "--namespace", "no-such-namespace");
    assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err()).contains("namespace no-such-namespace does not exist");
  }

  /** A just-registered namespace reaches the frontend's cache within seconds. */
  private static Run awaitSetup(String address, String ns) throws InterruptedException {
    Run r = null;
    for (int i = 0; i < 30; i++) {
      r = cli("setup", "--address", address, "--namespace", ns);
      if (r.code() == 0) {
        return r;
      }
      Thread.sleep(1000);
    }
    return r;
  }
}
