package io.pgrunbooks.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks one cluster: nodes, credentials, PgBouncer, health thresholds, databases. */
final class ClusterValidator {
  private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");

  private ClusterValidator() {}

  static void validate(String name, ClusterConfig c, ArchiveConfig archive, Problems p) {
    String path = Problems.child("clusters", name);
    if (!Checks.NAME.matcher(name).matches()) {
      p.add(path, "cluster names may only use A-Z a-z 0-9 _ - (they become part of workflow ids)");
    }
    if (c == null) {
      p.add(path, "must be a mapping with nodes");
      return;
    }
    nodes(c.nodes(), path + ".nodes", p);
    credentials(c.credentials(), path + ".credentials", p);
    if (c.pgbouncer() != null) {
      pgbouncer(c, path + ".pgbouncer", p);
    }
    health(c.health(), path + ".health", p);
    rebuild(c.rebuild(), path + ".rebuild", p);
    failover(c.failover(), path + ".failover", p);
    if (c.pgbackrest() != null) {
      int nodeCount = c.nodes() == null ? 0 : c.nodes().size();
      PgBackRestValidator.validate(c.pgbackrest(), path + ".pgbackrest", nodeCount, p);
    }
    PatroniValidator.validate(c, path, p);
    c.databases().forEach(
        (db, cfg) -> {
          String dbPath = Problems.child(path + ".databases", db);
          if (cfg == null) {
            p.add(dbPath, "must be a mapping (use {} for a database without settings)");
          } else {
            PartitionPolicyValidator.validate(cfg.partitions(), dbPath + ".partitions", archive, p);
          }
        });
  }

  private static void nodes(List<NodeConfig> nodes, String path, Problems p) {
    if (nodes.isEmpty()) {
      p.add(path, "at least one node is required");
    }
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> slots = new HashMap<>();
    Map<String, Integer> addresses = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      String np = Problems.index(path, i);
      NodeConfig n = nodes.get(i);
      if (n == null) {
        p.add(np, "must be a mapping with name, host and dataDir");
        continue;
      }
      boolean duplicateName = false;
      if (Checks.required(p, np + ".name", n.name())) {
        if (!Checks.NAME.matcher(n.name()).matches()) {
          p.add(np + ".name", "\"" + n.name() + "\" may only use A-Z a-z 0-9 _ - (it names the node agent's task queue)");
        }
        Integer first = names.putIfAbsent(n.name(), i);
        if (first != null) {
          p.add(np + ".name", "duplicate node name " + n.name() + " (also nodes[" + first + "])");
          duplicateName = true;
        }
      }
      if (Checks.required(p, np + ".host", n.host())) {
        Integer first = addresses.putIfAbsent(n.host() + ":" + n.port(), i);
        if (first != null) {
          p.add(np + ".port", "same host and port as nodes[" + first + "]");
        }
      }
      Checks.port(p, np + ".port", n.port());
      Checks.required(p, np + ".dataDir", n.dataDir());
      Checks.required(p, np + ".runAs", n.runAs());
      Checks.required(p, np + ".binDir", n.binDir());
      if (n.slot() != null) {
        if (!SLOT.matcher(n.slot()).matches()) {
          p.add(np + ".slot", "\"" + n.slot() + "\" is not a replication slot name (1-63 of a-z 0-9 _)");
        } else {
          Integer first = slots.putIfAbsent(n.slot(), i);
          // A duplicate name already explains the duplicate slot derived from it.
          if (first != null && !duplicateName) {
            p.add(np + ".slot", "slot " + n.slot() + " is also used by nodes[" + first + "]");
          }
        }
      }
      Checks.portOrOff(p, np + ".agentMetricsPort", n.agentMetricsPort());
    }
  }

  static void credentials(Credentials c, String path, Problems p) {
    Checks.required(p, path + ".user", c.user());
    Checks.envName(p, path + ".passwordEnv", c.passwordEnv());
    Checks.notBoth(p, path, c.passwordEnv(), "passwordEnv", c.passwordFile(), "passwordFile");
  }

  private static void pgbouncer(ClusterConfig c, String path, Problems p) {
    PgBouncerConfig b = c.pgbouncer();
    Checks.required(p, path + ".host", b.host());
    Checks.port(p, path + ".port", b.port());
    Checks.required(p, path + ".adminUser", b.adminUser());
    if (b.node() != null && c.node(b.node()) == null) {
      p.add(path + ".node", "unknown node " + b.node() + " (known: " + nodeNames(c) + ")");
    }
    Checks.nonBlankIfSet(p, path + ".configFile", b.configFile());
    if (b.credentials() != null) {
      credentials(b.credentials(), path + ".credentials", p);
    }
  }

  static String nodeNames(ClusterConfig c) {
    return String.join(", ", c.nodes().stream().filter(n -> n != null && n.name() != null).map(NodeConfig::name).toList());
  }

  private static void health(HealthConfig h, String path, Problems p) {
    if (h.lagDegradedSeconds() <= 0) {
      p.add(path + ".lagDegradedSeconds", "must be positive");
    }
    if (h.lagUnhealthySeconds() < h.lagDegradedSeconds()) {
      p.add(path + ".lagUnhealthySeconds", "must be at least lagDegradedSeconds (" + h.lagDegradedSeconds() + ")");
    }
    percents(p, path, "connections", h.connectionsDegradedPercent(), h.connectionsUnhealthyPercent());
    percents(p, path, "disk", h.diskDegradedPercent(), h.diskUnhealthyPercent());
    if (h.longQuerySeconds() <= 0) {
      p.add(path + ".longQuerySeconds", "must be positive");
    }
    if (h.cacheHitDegraded() <= 0 || h.cacheHitDegraded() > 1) {
      p.add(path + ".cacheHitDegraded", "must be a ratio in (0, 1]");
    }
    if (h.cacheHitUnhealthy() < 0 || h.cacheHitUnhealthy() > h.cacheHitDegraded()) {
      p.add(path + ".cacheHitUnhealthy", "must be between 0 and cacheHitDegraded (" + h.cacheHitDegraded() + ")");
    }
    h.detail().validate(path, p);
  }

  private static void rebuild(RebuildConfig r, String path, Problems p) {
    if (r.catchUpLagSeconds() <= 0) {
      p.add(path + ".catchUpLagSeconds", "must be positive");
    }
    if (r.diskHeadroom() < 1) {
      p.add(path + ".diskHeadroom", "must be at least 1 (a fresh copy needs the primary's size), got " + r.diskHeadroom());
    }
    if (r.catchUpTimeout().isNegative() || r.catchUpTimeout().isZero()) {
      p.add(path + ".catchUpTimeout", "must be positive");
    }
    if (r.stopTimeout().isNegative() || r.stopTimeout().isZero()) {
      p.add(path + ".stopTimeout", "must be positive");
    }
    Checks.nonBlankIfSet(p, path + ".streamingPassFile", r.streamingPassFile());
    Checks.nonBlankIfSet(p, path + ".startCommand", r.startCommand());
    Checks.nonBlankIfSet(p, path + ".stopCommand", r.stopCommand());
    Checks.nonBlankIfSet(p, path + ".stopImmediateCommand", r.stopImmediateCommand());
  }

  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");

  private static void failover(FailoverConfig f, String path, Problems p) {
    Checks.positive(p, path + ".replayTimeout", f.replayTimeout());
    Checks.positive(p, path + ".promoteTimeout", f.promoteTimeout());
    Checks.nonBlankIfSet(p, path + ".fenceCommand", f.fenceCommand());
    if (f.maxReplayGapBytes() < 0) {
      p.add(path + ".maxReplayGapBytes", "must be 0 or more");
    }
    DrillConfig d = f.drill();
    String dp = path + ".drill";
    if (d.window().isNegative()) {
      p.add(dp + ".window", "must be 0s or more");
    } else if (d.window().compareTo(DrillConfig.MAX_WINDOW) > 0) {
      // FailoverDrill refuses a window further away than this; a config that always asks for one would never drill.
      p.add(dp + ".window", "must be at most " + DrillConfig.MAX_WINDOW.toDays() + "d (the furthest a drill waits for"
          + " its window), got " + Durations.format(d.window()));
    }
    if (d.maxLagSeconds() <= 0) {
      p.add(dp + ".maxLagSeconds", "must be positive");
    }
    Checks.positive(p, dp + ".maxBackupAge", d.maxBackupAge());
    Checks.positive(p, dp + ".probeInterval", d.probeInterval());
    Checks.positive(p, dp + ".recoveryTarget", d.recoveryTarget());
    if (d.sentinelRows() < 1 || d.sentinelRows() > 10000) {
      p.add(dp + ".sentinelRows", "must be 1-10000, got " + d.sentinelRows());
    }
    if (!TABLE.matcher(d.probeTable()).matches()) {
      p.add(dp + ".probeTable", "\"" + d.probeTable() + "\" must be schema.name (plain identifiers)");
    }
    for (int i = 0; i < d.baselineTables().size(); i++) {
      String t = d.baselineTables().get(i);
      if (t == null || !TABLE.matcher(t).matches()) {
        p.add(Problems.index(dp + ".baselineTables", i), "\"" + t + "\" must be schema.name (plain identifiers)");
      }
    }
  }

  private static void percents(Problems p, String path, String what, int degraded, int unhealthy) {
    if (degraded < 1 || degraded > 100) {
      p.add(path + "." + what + "DegradedPercent", "must be 1-100, got " + degraded);
    }
    if (unhealthy < degraded || unhealthy > 100) {
      p.add(path + "." + what + "UnhealthyPercent", "must be between " + what + "DegradedPercent (" + degraded + ") and 100, got " + unhealthy);
    }
  }
}
