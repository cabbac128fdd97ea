package io.pgrunbooks.ops.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs a few blocking tasks on their own threads and waits for all of them. Not the common
 * ForkJoinPool: on a 2-core machine its parallelism is 1, which would start servers one by one.
 */
final class Parallel {
  private Parallel() {}

  /** Starts every supplier on its own thread; returns their results in order once all are done. */
  static <T> List<Outcome<T>> all(String threadPrefix, List<Supplier<T>> tasks) {
    List<FutureTask<T>> futures = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      Supplier<T> task = tasks.get(i);
      FutureTask<T> future = new FutureTask<>(task::get);
      Thread t = new Thread(future, threadPrefix + "-" + i);
      t.setDaemon(true);
      t.start();
      futures.add(future);
    }
    List<Outcome<T>> outcomes = new ArrayList<>();
    for (FutureTask<T> f : futures) {
      try {
        outcomes.add(new Outcome<>(f.get(), null));
      } catch (ExecutionException e) {
        outcomes.add(new Outcome<>(null, e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        outcomes.add(new Outcome<>(null, e));
      }
    }
    return outcomes;
  }

  /** Runs every task in parallel and rethrows the first failure (others suppressed) after all finished. */
  static void run(String threadPrefix, List<Runnable> tasks) {
    List<Supplier<Void>> suppliers = tasks.stream().<Supplier<Void>>map(r -> () -> {
      r.run();
      return null;
    }).toList();
    RuntimeException first = null;
    for (Outcome<Void> o : all(threadPrefix, suppliers)) {
      if (o.failure() != null) {
        if (first == null) {
          first = asRuntime(o.failure());
        } else {
          first.addSuppressed(o.failure());
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  static RuntimeException asRuntime(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  /** A task's value or its failure. */
  record Outcome<T>(T value, Throwable failure) {}
}
