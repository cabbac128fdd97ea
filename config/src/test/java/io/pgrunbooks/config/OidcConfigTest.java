package io.pgrunbooks.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code api.oidc}: defaults, the client secret by variable or file, and every mistake reported at once. */
class OidcConfigTest {
  @TempDir Path dir;

  private Path writeConfig(String oidc) throws Exception {
    Path file = dir.resolve("etc/runbooks.yml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "api:\n  oidc:\n" + oidc.indent(4) + ConfigErrorsTest.NODES.formatted("        dataDir: /d\n"));
    return file;
  }

  @Test
  void minimalSectionGetsDefaultsAndTheCallbackUnderThePublicUrl() throws Exception {
    RunbooksConfig cfg = ConfigLoader.load(writeConfig("""
        issuer: https://id.example.com/realms/ops
        clientId: pg-runbooks
        clientSecretEnv: OIDC_SECRET
        publicUrl: https://runbooks.example.com/
        roles: {dbas: [approver], sre: [operator, viewer]}
        """), Map.of());

    OidcConfig o = cfg.api().oidc();
    assertThat(o.scopes()).containsExactly("openid", "profile", "email");
    assertThat(o.groupsClaim()).isEqualTo("groups");
    assertThat(o.usernameClaim()).isEqualTo("preferred_username");
    assertThat(o.expectedAudience()).isEqualTo("pg-runbooks");
    assertThat(o.callbackUrl()).isEqualTo("https://runbooks.example.com/auth/callback");
    assertThat(o.pageUrl()).isEqualTo("https://runbooks.example.com/");
    assertThat(o.secureCookies()).isTrue();
    assertThat(o.clockSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.roles()).containsEntry("sre", List.of("operator", "viewer"));
    assertThat(ConfigLoader.secretProblems(cfg, Map.of()))
        .contains("api.oidc: OIDC client secret: environment variable OIDC_SECRET is not set");
    assertThat(o.resolveClientSecret(Map.of("OIDC_SECRET", "s3cret"))).isEqualTo("s3cret");
  }

  @Test
  void plainHttpRedirectUriMeansCookiesWithoutSecureAndTheSecretFileIsRelativeToTheConfig() throws Exception {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/oidc.secret"), "from-file\n");
    RunbooksConfig cfg = ConfigLoader.load(writeConfig("""
        issuer: http://127.0.0.1:8180/realms/dev
        clientId: pg-runbooks
        clientSecretFile: oidc.secret
        audience: runbooks-api
        redirectUri: http://127.0.0.1:8080/auth/callback
        roles: {dbas: [approver]}
        """), Map.of());

    OidcConfig o = cfg.api().oidc();
    assertThat(o.expectedAudience()).isEqualTo("runbooks-api");
    assertThat(o.pageUrl()).isEqualTo("http://127.0.0.1:8080/");
    assertThat(o.secureCookies()).isFalse();
    assertThat(o.resolveClientSecret(Map.of())).isEqualTo("from-file");
  }

  @Test
  void everyMistakeIsReportedWithItsPath() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig("""
        clientSecret: inline
        clientSecretEnv: not a name
        issuer: ftp://id.example.com
        scopes: [profile]
        roles: {dbas: []}
        clockSkew: 10m
        """), Map.of()))
        .hasMessageContaining("api.oidc.clientSecret: inline secrets are not accepted; set clientSecretEnv")
        .hasMessageContaining("api.oidc.issuer: \"ftp://id.example.com\" is not an http(s) URL")
        .hasMessageContaining("api.oidc.clientId: is required")
        .hasMessageContaining("api.oidc: set publicUrl:")
        .hasMessageContaining("api.oidc.scopes: must contain openid")
        .hasMessageContaining("api.oidc.roles.dbas: at least one role is required")
        .hasMessageContaining("api.oidc.clockSkew: must be between 0s and 5m, got 10m")
        .hasMessageContaining("api.oidc.clientSecretEnv:");
  }

  private static final String CLIENT = """
      issuer: https://id.example.com
      clientId: pg-runbooks
      publicUrl: https://runbooks.example.com
      """;

  @Test
  void withoutGroupMappingsNobodyWouldHaveARoleSoTheStartStops() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig(CLIENT), Map.of()))
        .hasMessageContaining("api.oidc.roles: map at least one group to roles");
  }

  @Test
  void aRoleWithACommaIsRefusedBecauseRolesAreSignedAsOneCommaJoinedList() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(writeConfig(CLIENT + "roles: {dbas: [\"approver,dba\"]}\n"), Map.of()))
        .hasMessageContaining("api.oidc.roles.dbas: role 'approver,dba' holds a comma or line break; the API signs"
            + " roles as one comma-joined list with each decision, so use plain words");
  }
}
