package io.pgrunbooks.api.auth.oidc;

import io.pgrunbooks.api.auth.ApiUser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * From a verified token's claims to the {@link ApiUser}: its name from the configured user-name
 * claim (else {@code sub}), its display name from {@code name}, and its roles from the groups claim
 * through the config's group-to-role mapping. A group written as a path ({@code /ops/dbas}, as
 * Keycloak does with full paths on) also matches its last segment.
 */
public final class RoleMapping {
  private final String groupsClaim;
  private final String usernameClaim;
  private final Map<String, List<String>> roles;

  public RoleMapping(String groupsClaim, String usernameClaim, Map<String, List<String>> roles) {
    this.groupsClaim = groupsClaim;
    this.usernameClaim = usernameClaim;
    this.roles = Map.copyOf(roles);
  }

  public ApiUser user(Map<String, Object> claims) {
    String subject = text(claims.get("sub"));
    String name = text(claims.get(usernameClaim));
    if (name == null) {
      name = subject;
    }
    String display = text(claims.get("name"));
    return new ApiUser(name, roles(groups(claims.get(groupsClaim))), subject, display == null ? name : display);
  }

  /** The roles of these groups. */
  public Set<String> roles(List<String> groups) {
    Set<String> out = new LinkedHashSet<>();
    for (String g : groups) {
      List<String> own = roles.get(g);
      if (own == null && g.contains("/")) {
        own = roles.get(g.substring(g.lastIndexOf('/') + 1));
      }
      if (own != null) {
        out.addAll(own);
      }
    }
    return out;
  }

  /** The groups claim as a list: an array, or one string (some providers send a single group so). */
  static List<String> groups(Object claim) {
    List<String> out = new ArrayList<>();
    if (claim instanceof Collection<?> c) {
      c.forEach(g -> {
        if (g != null) {
          out.add(g.toString());
        }
      });
    } else if (claim instanceof String s && !s.isBlank()) {
      out.add(s);
    }
    return out;
  }

  private static String text(Object v) {
    return v == null || v.toString().isBlank() ? null : v.toString();
  }
}
