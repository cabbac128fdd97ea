package io.pgrunbooks.activities.patroni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgrunbooks.workflows.activities.PatroniActivities.ScheduledSwitchover;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the JSON of Patroni's {@code GET /cluster} and {@code GET /patroni}, 3.0 through 4.x, into version-free
 * records: the leader's role is {@code primary} whether Patroni says {@code leader}, {@code master} (3.x
 * {@code /patroni}) or {@code primary} (4.x); lag fields that 3.x lacks are null; a lag of {@code "unknown"} is null.
 * No I/O.
 */
final class PatroniStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PatroniStatus() {}

  /** {@code GET /cluster}. */
  record ClusterStatus(List<MemberStatus> members, boolean paused, ScheduledSwitchover scheduledSwitchover) {}

  /** One element of {@code GET /cluster}'s {@code members}. */
  record MemberStatus(String name, String role, String state, String host, int port, long timeline, Long lag,
                      Long receiveLag, Long replayLag, boolean pendingRestart) {}

  /**
   * {@code GET /patroni} of one member.
   *
   * @param streamingReplicas on a leader: application names its {@code replication} lists as streaming
   * @param replicationState 4.x replicas: {@code streaming} or {@code in archive recovery}; null on 3.x
   */
  record NodeStatus(String role, String state, long timeline, boolean pendingRestart, boolean paused, String version,
                    List<String> streamingReplicas, String replicationState) {}

  static ClusterStatus cluster(String body) {
    JsonNode root = parse(body, "GET /cluster");
    JsonNode members = root.path("members");
    if (!members.isArray()) {
      throw new IllegalArgumentException("GET /cluster answered without a members list: " + abbreviate(body));
    }
    List<MemberStatus> out = new ArrayList<>();
    for (JsonNode m : members) {
      out.add(new MemberStatus(m.path("name").asText(null), role(m.path("role").asText(null)),
          m.path("state").asText(null), m.path("host").asText(null), m.path("port").asInt(0),
          m.path("timeline").asLong(-1), bytes(m.get("lag")), bytes(m.get("receive_lag")), bytes(m.get("replay_lag")),
          m.path("pending_restart").asBoolean(false)));
    }
    JsonNode s = root.get("scheduled_switchover");
    ScheduledSwitchover scheduled = s == null || s.isNull() ? null
        : new ScheduledSwitchover(s.path("at").asText(null), s.path("from").asText(null), s.path("to").asText(null));
    return new ClusterStatus(List.copyOf(out), root.path("pause").asBoolean(false), scheduled);
  }

  static NodeStatus node(String body) {
    JsonNode root = parse(body, "GET /patroni");
    List<String> streaming = new ArrayList<>();
    for (JsonNode r : root.path("replication")) {
      if ("streaming".equals(r.path("state").asText(null)) && r.hasNonNull("application_name")) {
        streaming.add(r.get("application_name").asText());
      }
    }
    return new NodeStatus(role(root.path("role").asText(null)), root.path("state").asText(null),
        root.path("timeline").asLong(-1), root.path("pending_restart").asBoolean(false),
        root.path("pause").asBoolean(false), root.path("patroni").path("version").asText(null), List.copyOf(streaming),
        root.path("replication_state").asText(null));
  }

  /** Patroni's names of the leader's role across versions, as one. */
  static String role(String role) {
    if (role == null) {
      return null;
    }
    String r = role.toLowerCase(Locale.ROOT);
    return switch (r) {
      case "leader", "master", "primary" -> "primary";
      default -> r;
    };
  }

  private static Long bytes(JsonNode n) {
    // Patroni writes "unknown" when it cannot compute the lag (the member reports no position).
    return n != null && n.isNumber() ? n.asLong() : null;
  }

  private static JsonNode parse(String body, String what) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException(what + " answered something that is not a JSON object: " + abbreviate(body));
      }
      return root;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " answered something that is not JSON: " + abbreviate(body), e);
    }
  }

  private static String abbreviate(String body) {
    String b = body == null ? "(nothing)" : body.strip();
    return b.length() > 200 ? b.substring(0, 200) + "..." : b;
  }
}
