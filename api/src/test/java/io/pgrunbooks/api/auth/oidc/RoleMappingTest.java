package io.pgrunbooks.api.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrunbooks.api.auth.ApiUser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleMappingTest {
  private final RoleMapping mapping = new RoleMapping("groups", "preferred_username",
      Map.of("dbas", List.of("approver", "dba"), "sre", List.of("operator", "viewer")));

  @Test
  void groupsBecomeTheUnionOfTheirRolesAndUnknownGroupsGiveNone() {
    ApiUser u = mapping.user(Map.of("sub", "f81d4fae", "preferred_username", "ada", "name", "Ada Lovelace",
        "groups", List.of("dbas", "sre", "marketing")));
    assertThat(u.name()).isEqualTo("ada");
    assertThat(u.subject()).isEqualTo("f81d4fae");
    assertThat(u.displayName()).isEqualTo("Ada Lovelace");
    assertThat(u.roles()).containsExactlyInAnyOrder("approver", "dba", "operator", "viewer");
    assertThat(mapping.user(Map.of("sub", "x", "groups", List.of("marketing"))).roles()).isEmpty();
  }

  @Test
  void groupPathsMatchTheirLastSegmentAndASingleStringIsOneGroup() {
    assertThat(mapping.roles(RoleMapping.groups(List.of("/ops/dbas")))).containsExactly("approver", "dba");
    assertThat(mapping.roles(RoleMapping.groups("sre"))).containsExactly("operator", "viewer");
    assertThat(RoleMapping.groups(null)).isEmpty();
  }

  @Test
  void withoutTheUserNameClaimTheSubjectNamesTheUser() {
    ApiUser u = mapping.user(Map.of("sub", "00u1abcd"));
    assertThat(u.name()).isEqualTo("00u1abcd");
    assertThat(u.displayName()).isEqualTo("00u1abcd");
    assertThat(u.roles()).isEmpty();
  }
}
