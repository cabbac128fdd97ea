package io.pgrunbooks.ops.cli;

import io.pgrunbooks.workflows.common.SearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code runbooks setup}: makes a Temporal namespace ready for the runbooks on any cluster (self-hosted,
 * mTLS, Temporal Cloud with an API key): checks the namespace exists (the session does) and registers
 * the contract's search attributes that are missing. Safe to run again; an attribute registered with
 * another type is reported and fails the command, as nothing can fix it but a person.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
    description = "Check the namespace and register the runbooks' search attributes on it (idempotent).")
final class SetupCommand extends TemporalCommand {
  @Override
  int run(TemporalSession session) {
    String ns = temporal.namespace;
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(session.stubOptions).validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> existing = operator.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS)
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(ns).build())
          .getCustomAttributesMap();
      Map<String, IndexedValueType> missing = new LinkedHashMap<>();
      List<String> conflicts = new ArrayList<>();
      for (Map.Entry<String, String> def : new TreeMap<>(SearchAttributes.DEFINITIONS).entrySet()) {
        IndexedValueType want = IndexedValueType.valueOf("INDEXED_VALUE_TYPE_" + def.getValue().toUpperCase(Locale.ROOT));
        IndexedValueType have = existing.get(def.getKey());
        if (have == null) {
          missing.put(def.getKey(), want);
        } else if (have != want) {
          conflicts.add(def.getKey() + " is registered as " + have + ", the runbooks need " + want);
        } else {
          out().println(def.getKey() + " (" + def.getValue() + "): already registered");
        }
      }
      if (!missing.isEmpty()) {
        operator.blockingStub().withDeadlineAfter(30, TimeUnit.SECONDS).addSearchAttributes(
            AddSearchAttributesRequest.newBuilder().setNamespace(ns).putAllSearchAttributes(missing).build());
        missing.forEach((name, type) -> out().println(name + " (" + SearchAttributes.DEFINITIONS.get(name)
            + "): registered"));
      }
      if (!conflicts.isEmpty()) {
        conflicts.forEach(err()::println);
        return ExitCodes.FAILED;
      }
      out().println("namespace " + ns + " on " + temporal.address + " is ready for pg-runbooks");
      return ExitCodes.OK;
    } finally {
      operator.shutdown();
    }
  }
}
