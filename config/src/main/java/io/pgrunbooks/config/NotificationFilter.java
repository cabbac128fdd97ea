package io.pgrunbooks.config;

import java.util.List;

/**
 * Which notifications a channel gets. An empty list matches everything, except {@code events}: empty means the
 * channel type's default events. {@code severities} (critical, error, warning, info) applies to every event but
 * {@code resolved}, which follows the problem it resolves.
 */
public record NotificationFilter(List<String> runbooks, List<String> clusters, List<String> severities,
                                 List<String> events) {
  public static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");

  public NotificationFilter {
    runbooks = Copies.list(runbooks);
    clusters = Copies.list(clusters);
    severities = Copies.list(severities);
    events = Copies.list(events);
  }

  static NotificationFilter none() {
    return new NotificationFilter(null, null, null, null);
  }
}
