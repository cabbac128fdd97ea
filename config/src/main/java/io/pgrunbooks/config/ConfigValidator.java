package io.pgrunbooks.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks a bound config as a whole; cluster and schedule details have their own validators. */
final class ConfigValidator {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private ConfigValidator() {}

  static void validate(RunbooksConfig c, Problems p) {
    temporal(c.temporal(), p);
    Checks.portOrOff(p, "worker.metricsPort", c.worker().metricsPort());
    Checks.positive(p, "worker.agentStartTimeout", c.worker().agentStartTimeout());
    if (!java.util.Set.of(WorkerConfig.TEXT, WorkerConfig.JSON).contains(c.worker().logFormat())) {
      p.add("worker.logFormat", "must be text or json, got " + c.worker().logFormat());
    }
    workerQueues(c.worker(), p);
    if (c.clusters().isEmpty()) {
      p.add("clusters", "at least one cluster is required");
    }
    c.clusters().forEach((name, cluster) -> ClusterValidator.validate(name, cluster, c.archive(), p));
    archive(c.archive(), p);
    approvals(c, c.approvals(), p);
    notifications(c.notifications(), c.clusters().keySet(), p);
    ScheduleValidator.validate(c, p);
    api(c.api(), p);
    backup(c, p);
  }

  /** Which queues the worker polls, and slots and pollers that Temporal's WorkerOptions accept and that make sense. */
  static void workerQueues(WorkerConfig w, Problems p) {
    if (w.queues().isEmpty()) {
      p.add("worker.queues", "at least one of " + String.join(", ", WorkerConfig.QUEUES) + " is required");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < w.queues().size(); i++) {
      String path = Problems.index("worker.queues", i);
      String q = w.queues().get(i);
      if (Checks.required(p, path, q)) {
        Checks.oneOf(p, path, q, WorkerConfig.QUEUES, "task queue");
        if (!seen.add(q)) {
          p.add(path, "duplicate queue " + q);
        }
      }
    }
    QueueSlots central = w.central();
    slots(p, "worker.central.activitySlots", central.activitySlots());
    slots(p, "worker.central.workflowTaskSlots", central.workflowTaskSlots());
    pollers(p, "worker.central.activityPollers", central.activityPollers(), 1, central.activitySlots(), "activitySlots");
    // One poller serves the worker's sticky queue and one the shared queue: with fewer, one of them starves.
    pollers(p, "worker.central.workflowPollers", central.workflowPollers(), 2, central.workflowTaskSlots(),
        "workflowTaskSlots");
    QueueSlots heavy = w.heavy();
    slots(p, "worker.heavy.activitySlots", heavy.activitySlots());
    pollers(p, "worker.heavy.activityPollers", heavy.activityPollers(), 1, heavy.activitySlots(), "activitySlots");
    if (heavy.workflowTaskSlots() != 0) {
      p.add("worker.heavy.workflowTaskSlots", "the heavy queue runs no workflows (they all run on central); remove it");
    }
    if (heavy.workflowPollers() != 0) {
      p.add("worker.heavy.workflowPollers", "the heavy queue runs no workflows (they all run on central); remove it");
    }
  }

  private static void slots(Problems p, String path, int slots) {
    if (slots < 1 || slots > QueueSlots.MAX_SLOTS) {
      p.add(path, "must be 1-" + QueueSlots.MAX_SLOTS + ", got " + slots);
    }
  }

  private static void pollers(Problems p, String path, int pollers, int min, int slots, String slotsName) {
    if (pollers < min) {
      p.add(path, "must be at least " + min + ", got " + pollers);
    } else if (slots >= 1 && pollers > slots) {
      p.add(path, pollers + " pollers for " + slots + " " + slotsName + ": a poller without a free slot only "
          + "waits; use at most " + slots);
    }
  }

  private static void backup(RunbooksConfig c, Problems p) {
    BackupConfig b = c.backup();
    if (b.exactCountMaxTables() < 0) {
      p.add("backup.exactCountMaxTables", "must be 0 or more, got " + b.exactCountMaxTables());
    }
    if (b.keepVerified() < 1) {
      p.add("backup.keepVerified", "must be at least 1 (the last verified backup is never deleted), got "
          + b.keepVerified());
    }
    if (b.keepDays() < 0) {
      p.add("backup.keepDays", "must be 0 or more, got " + b.keepDays());
    }
    if (b.restoreJobs() < 0 || b.restoreJobs() > 64) {
      p.add("backup.restoreJobs", "must be 0 (the worker's cores) to 64, got " + b.restoreJobs());
    }
    if (b.maxVerifiedAgeHours() < 0) {
      p.add("backup.maxVerifiedAgeHours", "must be 0 (off) or more, got " + b.maxVerifiedAgeHours());
    }
    verificationTarget(c, b.verification(), "backup.verification", p);
    b.verificationTargets().forEach((cluster, target) -> {
      String path = "backup.verificationTargets." + cluster;
      if (!c.clusters().containsKey(cluster)) {
        p.add(path, "names no configured cluster (clusters: " + String.join(", ", c.clusters().keySet()) + ")");
      }
      if (target == null) {
        p.add(path, "needs host and port of the PostgreSQL instance this cluster's backups are verified on");
      }
      verificationTarget(c, target, path, p);
    });
    if (b.tempDir() != null && b.tempDir().isBlank()) {
      p.add("backup.tempDir", "is empty: leave it out for the JVM's temporary directory, or name a directory");
    }
  }

  private static void verificationTarget(RunbooksConfig c, BackupConfig.VerificationTarget v, String path,
                                         Problems p) {
    if (v == null) {
      return;
    }
    Checks.required(p, path + ".host", v.host());
    Checks.port(p, path + ".port", v.port());
    ClusterValidator.credentials(v.credentials(), path + ".credentials", p);
    if (!v.allowPrimary() && v.host() != null) {
      c.clusters().forEach((name, cluster) -> {
        if (cluster == null) {
          return;
        }
        for (NodeConfig n : cluster.nodes()) {
          if (n != null && v.host().equals(n.host()) && v.port() == n.port()) {
            p.add(path, "is node " + n.name() + " of cluster " + name
                + ": verification restores into a separate instance; set allowPrimary: true to allow it anyway");
          }
        }
      });
    }
  }

  private static void temporal(TemporalConfig t, Problems p) {
    if (Checks.required(p, "temporal.target", t.target())) {
      int colon = t.target().lastIndexOf(':');
      if (colon <= 0 || !t.target().substring(colon + 1).matches("\\d{1,5}")) {
        p.add("temporal.target", "\"" + t.target() + "\" must be host:port");
      }
    }
    Checks.required(p, "temporal.namespace", t.namespace());
    Checks.httpUrl(p, "temporal.uiUrl", t.uiUrl());
    TlsConfig tls = t.tls();
    if ((tls.certFile() == null) != (tls.keyFile() == null)) {
      p.add(tls.certFile() == null ? "temporal.tls.certFile" : "temporal.tls.keyFile", "certFile and keyFile go together");
    }
    if (t.apiKeyEnv() != null && t.apiKeyFile() != null) {
      p.add("temporal.apiKeyFile", "apiKeyEnv and apiKeyFile are alternatives: set one");
    }
  }

  private static void archive(ArchiveConfig a, Problems p) {
    if (a.bucket() != null && !BUCKET.matcher(a.bucket()).matches()) {
      p.add("archive.bucket", "\"" + a.bucket() + "\" is not a valid bucket name (3-63 of a-z 0-9 . -)");
    }
    Checks.httpUrl(p, "archive.endpoint", a.endpoint());
    Checks.required(p, "archive.region", a.region());
    Checks.oneOf(p, "archive.compression", a.compression(), List.of("gzip", "zstd"), "compression");
    int maxLevel = "zstd".equals(a.compression()) ? 19 : 9;
    if (a.compressionLevel() < 1 || a.compressionLevel() > maxLevel) {
      p.add("archive.compressionLevel", a.compressionLevel() + " is not a " + a.compression() + " level (1-" + maxLevel + ")");
    }
    if (a.parallel() < 1 || a.parallel() > ArchiveConfig.MAX_PARALLEL) {
      p.add("archive.parallel", a.parallel() + " archive runs at once is not 1-" + ArchiveConfig.MAX_PARALLEL);
    }
    Checks.oneOf(p, "archive.sse", a.sse(), List.of("AES256", "aws:kms"), "server-side encryption");
    if (a.kmsKeyId() != null && !"aws:kms".equals(a.sse())) {
      p.add("archive.kmsKeyId", "only used with sse: aws:kms");
    }
    Checks.envName(p, "archive.accessKeyEnv", a.accessKeyEnv());
    Checks.envName(p, "archive.secretKeyEnv", a.secretKeyEnv());
    Checks.notBoth(p, "archive", a.secretKeyEnv(), "secretKeyEnv", a.secretKeyFile(), "secretKeyFile");
    boolean hasSecret = a.secretKeyEnv() != null || a.secretKeyFile() != null;
    if (a.accessKeyEnv() != null && !hasSecret) {
      p.add("archive.secretKeyEnv", "required with accessKeyEnv (or set secretKeyFile)");
    } else if (a.accessKeyEnv() == null && hasSecret) {
      p.add("archive.accessKeyEnv", "required with a secret key");
    }
  }

  private static void approvals(RunbooksConfig c, ApprovalsConfig a, Problems p) {
    Checks.positive(p, "approvals.defaultTimeout", a.defaultTimeout());
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < a.approvers().size(); i++) {
      String path = "approvals.approvers[" + i + "]";
      ApproverConfig ap = a.approvers().get(i);
      if (ap == null) {
        p.add(path, "must be a mapping with name and roles");
        continue;
      }
      if (Checks.required(p, path + ".name", ap.name())) {
        Integer first = seen.putIfAbsent(ap.name(), i);
        if (first != null) {
          p.add(path + ".name", "duplicate approver " + ap.name() + " (also approvers[" + first + "])");
        }
      }
      if (ap.roles().isEmpty() || ap.roles().stream().anyMatch(Checks::blank)) {
        p.add(path + ".roles", "at least one role is required, and no empty ones");
      }
    }
    runbookList(p, "approvals.twoPersonRunbooks", a.twoPersonRunbooks());
    runbookList(p, "approvals.signedRunbooks", a.signedRunbooks());
    a.timeouts().forEach((runbook, timeout) -> {
      String path = "approvals.timeouts." + runbook;
      Checks.oneOf(p, path, runbook, RunbookKinds.fromClassPath().names(), "runbook");
      if (timeout == null) {
        p.add(path, "expected a duration such as 500ms, 30s, 15m, 24h, 2d or PT24H, got nothing");
      }
      Checks.positive(p, path, timeout);
    });
    a.roles().forEach((runbook, roles) -> {
      String path = "approvals.roles." + runbook;
      Checks.oneOf(p, path, runbook, RunbookKinds.fromClassPath().names(), "runbook");
      if (roles == null || roles.isEmpty() || roles.stream().anyMatch(Checks::blank)) {
        p.add(path, "at least one role is required, and no empty ones (omit the entry for the default [approver])");
      } else if (!a.identityRoles(runbook) && !a.approvers().isEmpty() && a.approvers().stream()
          .noneMatch(ap -> ap != null && ap.roles().stream().anyMatch(roles::contains))) {
        p.add(path, "no approver in approvals.approvers has any of the roles " + roles
            + ", so no " + runbook + " run could ever be approved");
      }
    });
    for (int i = 0; i < a.twoPersonRunbooks().size(); i++) {
      String runbook = a.twoPersonRunbooks().get(i);
      List<String> allowed = a.allowedRoles(runbook);
      List<String> able = a.approvers().stream()
          .filter(ap -> ap != null && ap.name() != null && ap.roles().stream().anyMatch(allowed::contains))
          .map(ApproverConfig::name).toList();
      if (!a.identityRoles(runbook) && !a.approvers().isEmpty() && !able.isEmpty() && able.size() < 2) {
        p.add(Problems.index("approvals.twoPersonRunbooks", i), runbook + " needs two approvers with one of the roles "
            + allowed + ", but only " + able.get(0) + " has one");
      }
    }
    Checks.envName(p, "approvals.signingKeyEnv", a.signingKeyEnv());
    Checks.nonBlankIfSet(p, "approvals.signingKeyFile", a.signingKeyFile());
    Checks.notBoth(p, "approvals", a.signingKeyEnv(), "signingKeyEnv", a.signingKeyFile(), "signingKeyFile");
    if (!a.signedRunbooks().isEmpty() && !a.signingKeyConfigured()) {
      p.add("approvals.signedRunbooks", "needs approvals.signingKeyEnv or approvals.signingKeyFile");
    }
    if (a.identityRoles() && a.signedRunbooks().isEmpty()) {
      p.add("approvals.identityRoles", "trusts roles only when the REST API signed them, so it needs signed decisions:"
          + " list the runbooks in approvals.signedRunbooks (and set approvals.signingKeyEnv or signingKeyFile),"
          + " or set identityRoles: false");
    }
    for (int i = 0; i < a.preApprovals().size(); i++) {
      String path = "approvals.preApprovals[" + i + "]";
      PreApprovalConfig pre = a.preApprovals().get(i);
      if (pre == null) {
        p.add(path, "must be a mapping with runbook, step, cluster, database and target");
        continue;
      }
      if (Checks.required(p, path + ".runbook", pre.runbook())) {
        Checks.oneOf(p, path + ".runbook", pre.runbook(), RunbookKinds.fromClassPath().names(), "runbook");
      }
      Checks.required(p, path + ".step", pre.step());
      preApprovalScope(c, pre, path, p);
      Checks.required(p, path + ".target", pre.target());
    }
  }

  /** A pre-approval covers one cluster (and one database): both exact, both configured. */
  private static void preApprovalScope(RunbooksConfig c, PreApprovalConfig pre, String path, Problems p) {
    ClusterConfig cluster = null;
    if (pre.cluster() == null || pre.cluster().isBlank()) {
      p.add(path + ".cluster", "is required: a pre-approval names the one cluster it covers");
    } else if ((cluster = c.clusters().get(pre.cluster())) == null) {
      p.add(path + ".cluster", "unknown cluster \"" + pre.cluster() + "\" (configured: "
          + String.join(", ", c.clusters().keySet().stream().sorted().toList()) + ")");
    }
    boolean hasDatabase = pre.database() != null && !pre.database().isBlank();
    if (pre.runbook() == null || !RunbookKinds.fromClassPath().names().contains(pre.runbook())) {
      return;
    }
    if (RunbookKinds.fromClassPath().actsOnOneDatabase(pre.runbook())) {
      if (!hasDatabase) {
        p.add(path + ".database", "is required: " + pre.runbook() + " acts on one database and a pre-approval"
            + " names the one it covers");
      } else if (PreApprovalConfig.ANY_TARGET.equals(pre.database().strip())) {
        p.add(path + ".database", "must name one database, not \"*\"");
      } else if (cluster != null && RunbookKinds.fromClassPath().actsOnlyOnPartitions(pre.runbook())
          && cluster.database(pre.database()) == null) {
        p.add(path + ".database", "\"" + pre.database() + "\" is not a configured database of cluster "
            + pre.cluster() + " (clusters." + pre.cluster() + ".databases)");
      }
    } else if (hasDatabase) {
      p.add(path + ".database", pre.runbook() + " acts on a whole cluster; remove the database");
    }
  }

  private static void runbookList(Problems p, String path, List<String> types) {
    for (int i = 0; i < types.size(); i++) {
      if (Checks.required(p, Problems.index(path, i), types.get(i))) {
        Checks.oneOf(p, Problems.index(path, i), types.get(i), RunbookKinds.fromClassPath().names(), "runbook");
      }
    }
  }

  private static void notifications(NotificationsConfig n, java.util.Set<String> clusters, Problems p) {
    Checks.envName(p, "notifications.webhookUrlEnv", n.webhookUrlEnv());
    Checks.notBoth(p, "notifications", n.webhookUrlEnv(), "webhookUrlEnv", n.webhookUrl(), "webhookUrl");
    Checks.httpUrl(p, "notifications.webhookUrl", n.webhookUrl());
    NotificationsValidator.events(p, "notifications.events", n.events());
    NotificationsValidator.validate(n, clusters, p);
  }

  private static void api(ApiConfig a, Problems p) {
    Checks.port(p, "api.port", a.port());
    Checks.port(p, "api.adminPort", a.adminPort());
    if (a.port() == a.adminPort()) {
      p.add("api.adminPort", "must differ from api.port");
    }
    if (a.bindHost().isBlank()) {
      p.add("api.bindHost", "must be an address or host name (default 127.0.0.1; 0.0.0.0 listens on every interface)");
    }
    if (a.adminBindHost().isBlank()) {
      p.add("api.adminBindHost", "must be an address or host name (default 127.0.0.1)");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < a.users().size(); i++) {
      String path = "api.users[" + i + "]";
      ApiUserConfig u = a.users().get(i);
      if (u == null) {
        p.add(path, "must be a mapping with name, roles and passwordHashEnv or passwordHashFile");
        continue;
      }
      if (Checks.required(p, path + ".name", u.name())) {
        Integer first = seen.putIfAbsent(u.name(), i);
        if (first != null) {
          p.add(path + ".name", "duplicate user " + u.name() + " (also users[" + first + "])");
        }
      }
      if (u.roles().isEmpty() || u.roles().stream().anyMatch(Checks::blank)) {
        p.add(path + ".roles", "at least one role is required, and no empty ones");
      }
      Checks.signableRoles(p, path + ".roles", u.roles());
      Checks.envName(p, path + ".passwordHashEnv", u.passwordHashEnv());
      Checks.notBoth(p, path, u.passwordHashEnv(), "passwordHashEnv", u.passwordHashFile(), "passwordHashFile");
      if (u.passwordHashEnv() == null && u.passwordHashFile() == null) {
        p.add(path, "set passwordHashEnv: <ENV_VAR_NAME> or passwordHashFile: <path>");
      }
    }
    if (a.oidc() != null) {
      oidc(a.oidc(), p);
    }
  }

  private static void oidc(OidcConfig o, Problems p) {
    String path = "api.oidc";
    if (Checks.required(p, path + ".issuer", o.issuer())) {
      Checks.httpUrl(p, path + ".issuer", o.issuer());
    }
    Checks.required(p, path + ".clientId", o.clientId());
    Checks.envName(p, path + ".clientSecretEnv", o.clientSecretEnv());
    Checks.notBoth(p, path, o.clientSecretEnv(), "clientSecretEnv", o.clientSecretFile(), "clientSecretFile");
    if (o.publicUrl() == null && o.redirectUri() == null) {
      p.add(path, "set publicUrl: <the URL people open the page at> (the callback is <publicUrl>/auth/callback),"
          + " or redirectUri: <the full callback URL>");
    }
    Checks.httpUrl(p, path + ".publicUrl", o.publicUrl());
    Checks.httpUrl(p, path + ".redirectUri", o.redirectUri());
    if (!o.scopes().contains("openid")) {
      p.add(path + ".scopes", "must contain openid (got " + o.scopes() + ")");
    }
    Checks.nonBlankIfSet(p, path + ".groupsClaim", o.groupsClaim());
    Checks.nonBlankIfSet(p, path + ".usernameClaim", o.usernameClaim());
    if (o.roles().isEmpty()) {
      p.add(path + ".roles", "map at least one group to roles, e.g. roles: {dbas: [approver], sre: [operator, viewer]};"
          + " without it nobody signing in has a role");
    }
    o.roles().forEach((group, roles) -> {
      if (roles == null || roles.isEmpty() || roles.stream().anyMatch(Checks::blank)) {
        p.add(path + ".roles." + group, "at least one role is required, and no empty ones");
      }
      Checks.signableRoles(p, path + ".roles." + group, roles);
    });
    if (o.clockSkew().isNegative() || o.clockSkew().compareTo(Duration.ofMinutes(5)) > 0) {
      p.add(path + ".clockSkew", "must be between 0s and 5m, got " + Durations.format(o.clockSkew()));
    }
    Checks.positive(p, path + ".sessionLifetime", o.sessionLifetime());
  }
}
