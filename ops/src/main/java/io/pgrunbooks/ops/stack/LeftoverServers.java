package io.pgrunbooks.ops.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Servers a hard-stopped {@code runbooks dev} (kill -9, out of memory, a closed terminal) left
 * running from its own state directory: PostgreSQL servers (found by {@code postmaster.pid} under
 * the directory), PgBouncer ({@code pgbouncer/pgbouncer.pid}) and the Temporal dev server (a
 * {@code temporal} process whose {@code --db-filename} is in the directory). {@link #stop} stops
 * them cleanly (PostgreSQL: {@code pg_ctl stop -m fast}, then immediate) and says which. The S3
 * store runs inside the {@code runbooks dev} JVM and dies with it. Nothing outside the directory
 * is touched: a pid is acted on only when its process is what the file says.
 */
public final class LeftoverServers {
  private LeftoverServers() {}

  /** Stops what is left running from {@code stateDir}; one line per server stopped. */
  public static List<String> stop(Path stateDir) {
    Path dir = stateDir.toAbsolutePath().normalize();
    List<String> stopped = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return stopped;
    }
    // Patroni first: it would restart a PostgreSQL stopped under it. Then etcd, which Patroni needs until it stops.
    for (String name : patroniPidNames(dir)) {
      firstLinePid(dir.resolve("patroni").resolve(name + ".pid")).flatMap(ProcessHandle::of).filter(Processes::isLive)
          .filter(h -> List.of(h.info().arguments().orElse(new String[0])).stream()
              .anyMatch(a -> a.startsWith(dir.resolve("patroni").toString())))
          .ifPresent(h -> {
            Processes.killTree(h, Duration.ofSeconds(30));
            stopped.add((name.equals("etcd") ? "etcd" : "Patroni of " + name) + " (pid " + h.pid() + ")");
          });
    }
    for (Path pid : postmasterPids(dir)) {
      Path dataDir = pid.getParent();
      firstLinePid(pid).flatMap(ProcessHandle::of).filter(Processes::isLive)
          .filter(h -> h.info().command().orElse("").endsWith("postgres")).ifPresent(h -> {
            stopPostgres(dataDir, h);
            stopped.add("PostgreSQL in " + dataDir + " (pid " + h.pid() + ")");
          });
    }
    Path bouncerPid = dir.resolve("pgbouncer").resolve("pgbouncer.pid");
    firstLinePid(bouncerPid).flatMap(ProcessHandle::of).filter(Processes::isLive)
        .filter(h -> h.info().command().orElse("").endsWith("pgbouncer")).ifPresent(h -> {
          Processes.killTree(h, Duration.ofSeconds(5));
          stopped.add("PgBouncer (pid " + h.pid() + ")");
        });
    String temporalDb = dir.resolve("temporal.db").toString();
    ProcessHandle.allProcesses().filter(Processes::isLive)
        .filter(h -> List.of(h.info().arguments().orElse(new String[0])).contains(temporalDb))
        .filter(h -> List.of(h.info().arguments().orElse(new String[0])).contains("--db-filename"))
        .toList().forEach(h -> {
          Processes.killTree(h, Duration.ofSeconds(10));
          stopped.add("Temporal dev server (pid " + h.pid() + ")");
        });
    return stopped;
  }

  /**
   * Records this process as the directory's owner; returns the pid of a live earlier owner instead
   * (another {@code runbooks dev} still running there, whose servers are not leftovers).
   */
  public static Optional<Long> claim(Path stateDir) {
    Path file = stateDir.resolve("runbooks-dev.pid");
    Optional<Long> other = firstLinePid(file).filter(pid -> pid != ProcessHandle.current().pid())
        .filter(pid -> ProcessHandle.of(pid).filter(Processes::isLive).isPresent());
    if (other.isEmpty()) {
      try {
        Files.createDirectories(stateDir);
        Files.writeString(file, ProcessHandle.current().pid() + "\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot write " + file, e);
      }
    }
    return other;
  }

  /** The Patroni pid files' names, etcd last. */
  private static List<String> patroniPidNames(Path dir) {
    try (var files = Files.list(dir.resolve("patroni"))) {
      List<String> names = new ArrayList<>(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".pid"))
          .map(f -> f.substring(0, f.length() - 4)).filter(n -> !n.equals("etcd")).sorted().toList());
      names.add("etcd");
      return names;
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static List<Path> postmasterPids(Path dir) {
    try (Stream<Path> files = Files.find(dir, 4, (p, a) -> p.getFileName().toString().equals("postmaster.pid"))) {
      return files.toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static Optional<Long> firstLinePid(Path file) {
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Long.parseLong(Files.readAllLines(file).get(0).strip())) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void stopPostgres(Path dataDir, ProcessHandle postmaster) {
    List<ProcessHandle> tree = new ArrayList<>(postmaster.descendants().toList());
    tree.add(postmaster);
    Path pgCtl = new Prerequisites().pgTool("pg_ctl");
    for (String mode : List.of("fast", "immediate")) {
      Processes.run(Prerequisites.asPostgresUser(List.of(pgCtl.toString(), "-D", dataDir.toString(), "-m", mode,
          "-w", "-t", "30", "-s", "stop")), dataDir.getParent(), Map.of(), Duration.ofSeconds(45));
      if (Processes.awaitExit(tree, Duration.ofSeconds(10))) {
        return;
      }
    }
    Processes.killTreeForcibly(postmaster);
  }
}
