package io.pgrunbooks.api;

import com.github.benmanes.caffeine.cache.CaffeineSpec;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthFilter;
import io.dropwizard.auth.chained.ChainedAuthFilter;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.CachingAuthenticator;
import io.dropwizard.auth.basic.BasicCredentialAuthFilter;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.api.auth.ApiUsers;
import io.pgrunbooks.api.auth.LoginThrottle;
import io.pgrunbooks.api.auth.LoginThrottleFilter;
import io.pgrunbooks.api.auth.PageFriendlyUnauthorizedHandler;
import io.pgrunbooks.api.auth.SecurityHeaders;
import io.pgrunbooks.api.auth.StateChangeGuard;
import io.pgrunbooks.api.auth.oidc.BearerAuthenticator;
import io.pgrunbooks.api.auth.oidc.OidcLoginServlet;
import io.pgrunbooks.api.auth.oidc.OidcProvider;
import io.pgrunbooks.api.auth.oidc.RoleMapping;
import io.pgrunbooks.api.auth.oidc.SessionAuthFilter;
import io.pgrunbooks.api.auth.oidc.Sessions;
import io.pgrunbooks.api.resources.ApiErrors;
import io.pgrunbooks.api.resources.ApprovalsResource;
import io.pgrunbooks.api.resources.ArchivesResource;
import io.pgrunbooks.api.resources.InsightsResource;
import io.pgrunbooks.api.resources.MeResource;
import io.pgrunbooks.api.resources.OpenApiResource;
import io.pgrunbooks.api.resources.RunbooksResource;
import io.pgrunbooks.api.resources.RunsResource;
import io.pgrunbooks.api.resources.ReportsResource;
import io.pgrunbooks.api.reports.ReportStore;
import java.time.Clock;
import java.util.Optional;
import io.pgrunbooks.config.OidcConfig;
import io.pgrunbooks.config.RunbooksConfig;
import io.pgrunbooks.config.TlsConfig;
import io.pgrunbooks.client.TemporalTls;
import io.pgrunbooks.workflows.common.DataConverters;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

/**
 * The REST API and the approvals page. All wiring is here: the Temporal client, users and roles,
 * the CSRF guard, the resources and the health check (admin port).
 */
public final class ApiApplication extends Application<ApiConfiguration> {
  private final Map<String, String> env;

  public ApiApplication() {
    this(System.getenv());
  }

  public ApiApplication(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public String getName() {
    return "pg-runbooks-api";
  }

  @Override
  public void initialize(Bootstrap<ApiConfiguration> bootstrap) {
    bootstrap.setConfigurationFactoryFactory((klass, validator, mapper, prefix) -> new RunbooksConfigurationFactory(env));
    bootstrap.addBundle(new AssetsBundle("/assets/", "/", "index.html", "page"));
  }

  @Override
  public void run(ApiConfiguration configuration, Environment environment) {
    RunbooksConfig config = configuration.runbooks();
    ApiUsers users = new ApiUsers(config, configuration.env());
    WorkflowServiceStubsOptions.Builder stubOptions = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(config.temporal().target());
    TlsConfig tls = config.temporal().tls();
    // An unreadable API key fails the start naming its variable or file.
    TemporalTls.apply(stubOptions, tls.enabled(), tls.certFile(), tls.keyFile(), tls.caFile(), tls.serverName(),
        config.temporal().resolveApiKey(configuration.env()));
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubOptions.build());
    environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() {
        service.shutdown();
        service.awaitTermination(2, TimeUnit.SECONDS);
      }
    });
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(config.temporal().namespace())
        .setDataConverter(DataConverters.jackson())
        .build());
    RunService runs = new RunService(client, config, configuration.env());

    LoginThrottle throttle = LoginThrottle.standard();
    environment.jersey().register(new LoginThrottleFilter(throttle));
    CachingAuthenticator<io.dropwizard.auth.basic.BasicCredentials, ApiUser> cached = new CachingAuthenticator<>(
        environment.metrics(), LoginThrottleFilter.counting(users, throttle),
        CaffeineSpec.parse("maximumSize=1000, expireAfterWrite=10m"));
    OidcConfig oidcConfig = config.api().oidc();
    PageFriendlyUnauthorizedHandler unauthorized = new PageFriendlyUnauthorizedHandler(oidcConfig != null);
    AuthFilter<io.dropwizard.auth.basic.BasicCredentials, ApiUser> basic =
        new BasicCredentialAuthFilter.Builder<ApiUser>()
            .setAuthenticator(cached)
            .setAuthorizer(users)
            .setRealm("pg-runbooks")
            .setUnauthorizedHandler(unauthorized)
            .buildAuthFilter();
    Optional<OidcLoginServlet.Wiring> oidc = Optional.empty();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    if (oidcConfig == null) {
      environment.jersey().register(new AuthDynamicFeature(basic));
    } else {
      OidcProvider provider = OidcProvider.discover(oidcConfig, http, Clock.systemUTC());
      RoleMapping mapping = new RoleMapping(oidcConfig.groupsClaim(), oidcConfig.usernameClaim(), oidcConfig.roles());
      Sessions sessions = new Sessions(oidcConfig.sessionLifetime(), Clock.systemUTC());
      oidc = Optional.of(new OidcLoginServlet.Wiring(oidcConfig, provider, mapping, sessions,
          oidcConfig.resolveClientSecret(configuration.env())));
      // Bearer first: when every way fails, the first refusal is the answer, and it says why a token was refused.
      AuthFilter<String, ApiUser> bearer = new OAuthCredentialAuthFilter.Builder<ApiUser>()
          .setAuthenticator(new BearerAuthenticator(provider, mapping, oidcConfig.expectedAudience()))
          .setAuthorizer(users)
          .setPrefix("Bearer")
          .setRealm("pg-runbooks")
          .setUnauthorizedHandler(unauthorized)
          .buildAuthFilter();
      AuthFilter<String, ApiUser> session = new SessionAuthFilter.Builder(sessions)
          .setAuthorizer(users)
          .setRealm("pg-runbooks")
          .setUnauthorizedHandler(unauthorized)
          .buildAuthFilter();
      // Explicit credentials (Authorization) before the cookie, so a script's own login is what counts.
      environment.jersey().register(new AuthDynamicFeature(new ChainedAuthFilter<>(List.of(bearer, basic, session))));
    }
    Sessions sessions = oidc.map(OidcLoginServlet.Wiring::sessions).orElse(null);
    environment.servlets().addServlet("auth", new OidcLoginServlet(oidc, http)).addMapping("/auth/*");
    environment.jersey().register(RolesAllowedDynamicFeature.class);
    environment.jersey().register(new AuthValueFactoryProvider.Binder<>(ApiUser.class));
    environment.jersey().register(new StateChangeGuard(sessions));
    environment.servlets().addFilter("security-headers", new SecurityHeaders())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    environment.jersey().register(new PageFriendlyUnauthorizedHandler.PageRequests());

    environment.jersey().register(new ApiErrors.InputProblems());
    environment.jersey().register(new ApiErrors.MalformedJson());
    environment.jersey().register(new ApiErrors.BadPages());
    environment.jersey().register(new ApiErrors.Conflicts());
    environment.jersey().register(new ApiErrors.Refusals());
    environment.jersey().register(new ApiErrors.RoleRefusals());
    environment.jersey().register(new ApiErrors.NotFound());
    environment.jersey().register(new ApiErrors.TemporalUnavailable());
    environment.jersey().register(new ApiErrors.GrpcUnavailable());

    environment.jersey().register(new OpenApiResource());
    environment.jersey().register(new RunbooksResource());
    environment.jersey().register(new RunsResource(runs, users));
    environment.jersey().register(new ApprovalsResource(runs, users, Clock.systemUTC()));
    environment.jersey().register(new MeResource(users, sessions));
    environment.jersey().register(new InsightsResource(runs));
    environment.jersey().register(new ArchivesResource(runs, config));
    Optional<ReportStore> reports = ReportStore.open(config.archive(), configuration.env());
    reports.ifPresent(store -> environment.lifecycle().manage(new Managed() {
      @Override
      public void stop() {
        store.close();
      }
    }));
    environment.jersey().register(new ReportsResource(reports, Clock.systemUTC()));
    environment.jersey().register(new io.pgrunbooks.api.resources.RestoreDrillsResource(reports, config, runs));

    environment.healthChecks().register("temporal", new TemporalHealthCheck(service, config.temporal().namespace()));
    environment.admin().addServlet("livez", new AdminProbes.Live()).addMapping("/livez");
    environment.admin().addServlet("readyz", new AdminProbes.Ready(environment.healthChecks())).addMapping("/readyz");
    environment.admin().addServlet("prometheus", new AdminProbes.Prometheus(environment.metrics()))
        .addMapping("/metrics/prometheus");
  }
}
