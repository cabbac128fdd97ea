package io.pgrunbooks.config;

import java.util.List;

/** Checks {@code clusters.<name>.topology} and {@code clusters.<name>.patroni}. */
final class PatroniValidator {
  private static final List<String> TOPOLOGIES = List.of(ClusterConfig.DIRECT, ClusterConfig.PATRONI);

  private PatroniValidator() {}

  static void validate(ClusterConfig c, String path, Problems p) {
    if (!TOPOLOGIES.contains(c.topology())) {
      p.add(path + ".topology", "unknown topology \"" + c.topology() + "\" (known: " + String.join(", ", TOPOLOGIES)
          + ")");
      return;
    }
    String pp = path + ".patroni";
    PatroniConfig patroni = c.patroni();
    if (!c.onPatroni()) {
      if (patroni != null) {
        p.add(pp, "is set but topology is direct; set topology: patroni to use it, or remove the section");
      }
      return;
    }
    if (patroni == null) {
      p.add(pp, "is required with topology: patroni (restApi: the REST API URL of every node)");
      return;
    }
    for (NodeConfig n : c.nodes()) {
      if (n != null && n.name() != null && patroni.restApi().get(n.name()) == null) {
        p.add(Problems.child(pp + ".restApi", n.name()), "is required: every node of a Patroni cluster needs the URL"
            + " of its Patroni REST API (for example http://" + (n.host() == null ? "db1" : n.host()) + ":8008)");
      }
    }
    patroni.restApi().forEach((node, url) -> {
      String up = Problems.child(pp + ".restApi", node);
      if (c.node(node) == null) {
        p.add(up, "unknown node " + node + " (known: " + ClusterValidator.nodeNames(c) + ")");
      } else if (url != null) {
        Checks.httpUrl(p, up, url);
      }
    });
    if (patroni.credentials() != null) {
      Credentials cr = patroni.credentials();
      ClusterValidator.credentials(cr, pp + ".credentials", p);
      if (cr.passwordEnv() == null && cr.passwordFile() == null) {
        p.add(pp + ".credentials", "set passwordEnv or passwordFile (the password of Patroni's"
            + " restapi.authentication), or remove credentials when the REST API has no authentication");
      }
    }
    if (patroni.tls() != null) {
      Checks.required(p, pp + ".tls.caFile", patroni.tls().caFile());
    }
    Checks.positive(p, pp + ".requestTimeout", patroni.requestTimeout());
  }
}
