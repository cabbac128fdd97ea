package io.pgrunbooks.workflows.partitionmaintenance;

import java.util.ArrayList;
import java.util.List;

/**
 * How a run splits its tables over activities: at most {@code parallel} activities at once, each handling a
 * batch of tables over one connection, so the tables spread over all parallel slots in one wave when they can.
 */
final class TableBatches {
  /** Default of {@code parallel}: activities (each one connection to the primary) running at once. */
  static final int DEFAULT_PARALLEL = 4;
  static final int MAX_PARALLEL = 32;
  /** Most tables one activity handles: bounds one activity's duration and the size of its result. */
  static final int MAX_TABLES_PER_ACTIVITY = 50;

  private TableBatches() {}

  /** {@code items} in consecutive batches of at most {@link #MAX_TABLES_PER_ACTIVITY}, about one per slot. */
  static <T> List<List<T>> split(List<T> items, int parallel) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    }
    int size = Math.max(1, Math.min(MAX_TABLES_PER_ACTIVITY, (items.size() + parallel - 1) / parallel));
    List<List<T>> batches = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      batches.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
    }
    return batches;
  }

  /** The effective limit: the input's, or {@link #DEFAULT_PARALLEL}. */
  static int parallel(Integer requested) {
    return requested == null ? DEFAULT_PARALLEL : requested;
  }
}
