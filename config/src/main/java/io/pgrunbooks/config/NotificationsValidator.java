package io.pgrunbooks.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks of {@code notifications.channels}, {@code reminders} and {@code approvalsPageUrl}. */
final class NotificationsValidator {
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>]+@[^@\\s<>]+");

  private NotificationsValidator() {}

  static void validate(NotificationsConfig n, Set<String> clusters, Problems p) {
    Checks.httpUrl(p, "notifications.approvalsPageUrl", n.approvalsPageUrl());
    for (int i = 0; i < n.reminders().size(); i++) {
      Double f = n.reminders().get(i);
      if (f == null || !(f > 0 && f < 1)) {
        p.add(Problems.index("notifications.reminders", i),
            "must be a fraction of the approval timeout between 0 and 1 (0.5 = halfway), got " + f);
      }
    }
    Set<String> names = new HashSet<>();
    if (n.webhookUrl() != null || n.webhookUrlEnv() != null) {
      names.add(NotificationsConfig.LEGACY_CHANNEL);
    }
    for (int i = 0; i < n.channels().size(); i++) {
      String path = Problems.index("notifications.channels", i);
      ChannelConfig c = n.channels().get(i);
      if (c == null) {
        p.add(path, "is empty");
        continue;
      }
      if (Checks.required(p, Problems.child(path, "name"), c.name()) && !names.add(c.name())) {
        p.add(Problems.child(path, "name"), "\"" + c.name() + "\" is used by another channel"
            + (NotificationsConfig.LEGACY_CHANNEL.equals(c.name()) ? " (the one notifications.webhookUrl/webhookUrlEnv make)" : ""));
      }
      if (Checks.required(p, Problems.child(path, "type"), c.type())) {
        Checks.oneOf(p, Problems.child(path, "type"), c.type(), ChannelConfig.TYPES, "channel type");
        if (ChannelConfig.TYPES.contains(c.type())) {
          channel(c, path, p);
        }
      }
      filters(c.filters(), clusters, Problems.child(path, "filters"), p);
    }
  }

  static void events(Problems p, String path, List<String> events) {
    for (int i = 0; i < events.size(); i++) {
      if (Checks.required(p, Problems.index(path, i), events.get(i))) {
        Checks.oneOf(p, Problems.index(path, i), events.get(i), NotificationsConfig.EVENTS, "event");
      }
    }
  }

  private static void channel(ChannelConfig c, String path, Problems p) {
    String type = c.type();
    boolean http = type.equals("slack") || type.equals("webhook");
    unused(p, path, c.type(), !http, "url", c.url(), "urlEnv", c.urlEnv());
    unused(p, path, c.type(), !type.equals("email"), "host", c.host(), "from", c.from(), "username", c.username(),
        "passwordEnv", c.passwordEnv());
    if (!type.equals("email") && !c.to().isEmpty()) {
      p.add(Problems.child(path, "to"), "applies to email channels only, not " + type);
    }
    unused(p, path, c.type(), !type.equals("pagerduty"), "routingKeyEnv", c.routingKeyEnv(), "eventsUrl", c.eventsUrl());
    switch (type) {
      case "slack", "webhook" -> {
        Checks.notBoth(p, path, c.url(), "url", c.urlEnv(), "urlEnv");
        if (c.url() == null && c.urlEnv() == null) {
          p.add(Problems.child(path, "urlEnv"), "is required (or url, when the URL holds no secret)");
        }
        Checks.httpUrl(p, Problems.child(path, "url"), c.url());
        Checks.envName(p, Problems.child(path, "urlEnv"), c.urlEnv());
      }
      case "email" -> {
        Checks.required(p, Problems.child(path, "host"), c.host());
        Checks.port(p, Problems.child(path, "port"), c.port());
        address(p, Problems.child(path, "from"), c.from(), true);
        if (c.to().isEmpty()) {
          p.add(Problems.child(path, "to"), "is required: at least one address");
        }
        for (int i = 0; i < c.to().size(); i++) {
          address(p, Problems.index(Problems.child(path, "to"), i), c.to().get(i), true);
        }
        if ((c.username() == null) != (c.passwordEnv() == null)) {
          p.add(Problems.child(path, c.username() == null ? "username" : "passwordEnv"),
              "is required when " + (c.username() == null ? "passwordEnv" : "username") + " is set");
        }
        Checks.envName(p, Problems.child(path, "passwordEnv"), c.passwordEnv());
      }
      case "pagerduty" -> {
        Checks.required(p, Problems.child(path, "routingKeyEnv"), c.routingKeyEnv());
        Checks.envName(p, Problems.child(path, "routingKeyEnv"), c.routingKeyEnv());
        Checks.httpUrl(p, Problems.child(path, "eventsUrl"), c.eventsUrl());
      }
      default -> { }
    }
  }

  private static void filters(NotificationFilter f, Set<String> clusters, String path, Problems p) {
    events(p, Problems.child(path, "events"), f.events());
    for (int i = 0; i < f.severities().size(); i++) {
      String at = Problems.index(Problems.child(path, "severities"), i);
      if (Checks.required(p, at, f.severities().get(i))) {
        Checks.oneOf(p, at, f.severities().get(i), NotificationFilter.SEVERITIES, "severity");
      }
    }
    for (int i = 0; i < f.runbooks().size(); i++) {
      String at = Problems.index(Problems.child(path, "runbooks"), i);
      if (Checks.required(p, at, f.runbooks().get(i))) {
        Checks.oneOf(p, at, f.runbooks().get(i), RunbookKinds.fromClassPath().names(), "runbook");
      }
    }
    for (int i = 0; i < f.clusters().size(); i++) {
      String at = Problems.index(Problems.child(path, "clusters"), i);
      if (Checks.required(p, at, f.clusters().get(i))) {
        Checks.oneOf(p, at, f.clusters().get(i), clusters.stream().sorted().toList(), "cluster");
      }
    }
  }

  private static void address(Problems p, String path, String address, boolean required) {
    if (address == null) {
      if (required) {
        p.add(path, "is required");
      }
      return;
    }
    if (!ADDRESS.matcher(address.strip()).matches()) {
      p.add(path, "\"" + address + "\" is not an e-mail address (name@example.com)");
    }
  }

  /** Keys of another channel type are a mistake worth saying (a pagerduty channel with a url sends nowhere). */
  private static void unused(Problems p, String path, String type, boolean notThisType, Object... keysAndValues) {
    if (!notThisType) {
      return;
    }
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        p.add(Problems.child(path, (String) keysAndValues[i]), "does not apply to a channel of type " + type);
      }
    }
  }
}
