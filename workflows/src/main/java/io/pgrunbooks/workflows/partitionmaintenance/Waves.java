package io.pgrunbooks.workflows.partitionmaintenance;

import io.pgrunbooks.workflows.common.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** How PartitionMaintenance spreads calls (activities, child runs) over a limited number of slots; results in order. */
final class Waves {
  private Waves() {}

  /**
   * Runs {@code call} for {@code items} split by {@link TableBatches} ({@code parallel} at once), one result per
   * item in input order; a batch's call must answer one result per item of its batch.
   */
  static <T, R> List<R> inBatches(List<T> items, int parallel, Function<List<T>, Promise<List<R>>> call) {
    List<List<T>> batches = TableBatches.split(items, parallel);
    List<R> out = new ArrayList<>();
    for (int i = 0; i < batches.size(); i += parallel) {
      List<Promise<List<R>>> wave = new ArrayList<>();
      for (List<T> batch : batches.subList(i, Math.min(batches.size(), i + parallel))) {
        wave.add(call.apply(batch));
      }
      for (int j = 0; j < wave.size(); j++) {
        List<R> r = wave.get(j).get();
        if (r.size() != batches.get(i + j).size()) {
          throw ApplicationFailure.newNonRetryableFailure("a batch of " + batches.get(i + j).size() + " tables answered "
              + r.size() + " results; nothing more is done", FailureTypes.BAD_INPUT);
        }
        out.addAll(r);
      }
    }
    return out;
  }

  /** Runs {@code call} for every item, {@link Maintenance#PARALLEL_TABLES} at a time, results in input order. */
  static <T, R> List<R> inParallel(List<T> items, Function<T, Promise<R>> call) {
    List<R> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += Maintenance.PARALLEL_TABLES) {
      List<Promise<R>> batch = new ArrayList<>();
      for (T item : items.subList(i, Math.min(items.size(), i + Maintenance.PARALLEL_TABLES))) {
        batch.add(call.apply(item));
      }
      for (Promise<R> p : batch) {
        out.add(p.get());
      }
    }
    return out;
  }

  /**
   * Runs {@code call(index, item)} for every item with at most {@code parallel} running: the next one starts as soon
   * as any finishes (not when a whole wave has), so one slow item (a batch waiting for its approval) holds one slot.
   */
  static <T, R> List<R> sliding(List<T> items, int parallel, CallAt<T, R> call) {
    List<Promise<R>> all = new ArrayList<>();
    List<Promise<R>> running = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      while (running.size() >= parallel) {
        Promise.anyOf(running).get();
        running.removeIf(Promise::isCompleted);
      }
      Promise<R> p = call.apply(i, items.get(i));
      all.add(p);
      running.add(p);
    }
    return all.stream().map(Promise::get).toList();
  }

  /** A call that knows its item's position (child ids are numbered). */
  @FunctionalInterface
  interface CallAt<T, R> {
    Promise<R> apply(int index, T item);
  }
}
