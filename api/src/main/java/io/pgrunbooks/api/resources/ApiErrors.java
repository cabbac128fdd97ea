package io.pgrunbooks.api.resources;

import io.grpc.StatusRuntimeException;
import io.pgrunbooks.api.auth.ApiUser;
import io.pgrunbooks.client.DecisionRefused;
import io.pgrunbooks.client.InputProblem;
import io.pgrunbooks.client.PlainWords;
import io.pgrunbooks.client.RunConflict;
import io.pgrunbooks.workflows.registry.InputErrors;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Error bodies {@code {"status", "error", ...}} and the mappers that turn refusals into them. */
public final class ApiErrors {
  /** 422 status (not in JAX-RS's enum). */
  public static final int UNPROCESSABLE = 422;

  /** Phrases of the decide validator's refusals that concern who the approver is (403), not the request (409). */
  private static final List<String> WHO_REFUSALS = List.of("is not a configured approver", "has role(s)",
      "requested this run and may not approve it", "requires signed decisions");

  private ApiErrors() {}

  public static Response response(Response.Status status, String message) {
    return response(status.getStatusCode(), message, Map.of());
  }

  public static Response response(int status, String message, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", status);
    body.put("error", message);
    body.putAll(extra);
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }

  /** Bad input: 422 naming each bad field. */
  public static final class InputProblems implements ExceptionMapper<InputProblem> {
    @Override
    public Response toResponse(InputProblem e) {
      return response(UNPROCESSABLE, e.getMessage(), Map.of("fields", e.fields()));
    }
  }

  /** A bad {@code limit} or {@code cursor} of a list request: 400 naming the parameter. */
  public static final class BadPages implements ExceptionMapper<io.pgrunbooks.api.paging.BadPageRequest> {
    @Override
    public Response toResponse(io.pgrunbooks.api.paging.BadPageRequest e) {
      return response(400, e.getMessage(), Map.of("fields", e.fields()));
    }
  }

  /**
   * A body that is not JSON: 400 in the same shape, saying where ({@code the body is not valid JSON at
   * line 1, column 12: ...}) instead of Dropwizard's "Unable to process JSON".
   */
  public static final class MalformedJson implements ExceptionMapper<com.fasterxml.jackson.core.JsonProcessingException> {
    @Override
    public Response toResponse(com.fasterxml.jackson.core.JsonProcessingException e) {
      if (!(e instanceof com.fasterxml.jackson.core.JsonParseException)
          && !(e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException)) {
        // Not the caller's body (e.g. a response that could not be written): no blame on the request.
        return response(Response.Status.INTERNAL_SERVER_ERROR, "the server could not handle JSON: " + e.getOriginalMessage());
      }
      String message = InputErrors.malformed("the body", e);
      return response(400, message, Map.of("fields", List.of(new InputProblem.Field("body", message))));
    }
  }

  /** The target is busy: 409 naming the run that holds it. */
  public static final class Conflicts implements ExceptionMapper<RunConflict> {
    @Override
    public Response toResponse(RunConflict e) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("holderWorkflowId", e.holderWorkflowId());
      if (e.holderRunId() != null) {
        extra.put("holderRunId", e.holderRunId());
      }
      return response(409, e.getMessage(), extra);
    }
  }

  /** A refused vote: 403 when it is about the approver, 409 when about the request's state. */
  public static final class Refusals implements ExceptionMapper<DecisionRefused> {
    @Override
    public Response toResponse(DecisionRefused e) {
      boolean who = !e.notPending() && WHO_REFUSALS.stream().anyMatch(e.getMessage()::contains);
      return response(who ? 403 : 409, e.getMessage(), Map.of("refused", true));
    }
  }

  /** 404 for a workflow id Temporal does not know. */
  public static final class NotFound implements ExceptionMapper<WorkflowNotFoundException> {
    @Override
    public Response toResponse(WorkflowNotFoundException e) {
      return response(Response.Status.NOT_FOUND, "no run " + e.getExecution().getWorkflowId());
    }
  }

  /** Temporal unreachable or refusing: 503 with its status, so callers retry instead of guessing. */
  public static final class TemporalUnavailable implements ExceptionMapper<WorkflowServiceException> {
    @Override
    public Response toResponse(WorkflowServiceException e) {
      return response(Response.Status.SERVICE_UNAVAILABLE, "Temporal did not answer: " + PlainWords.grpc(e));
    }
  }

  /** The same for calls that surface gRPC's exception directly. */
  public static final class GrpcUnavailable implements ExceptionMapper<StatusRuntimeException> {
    @Override
    public Response toResponse(StatusRuntimeException e) {
      return response(Response.Status.SERVICE_UNAVAILABLE, "Temporal did not answer: " + PlainWords.grpc(e));
    }
  }

  /** A role check failed ({@code @RolesAllowed}): 403 naming the user's roles and the ones the request needs. */
  public static final class RoleRefusals implements ExceptionMapper<ForbiddenException> {
    @Context
    private SecurityContext security;
    @Context
    private ResourceInfo resource;

    @Override
    public Response toResponse(ForbiddenException e) {
      RolesAllowed needed = resource.getResourceMethod() == null ? null
          : resource.getResourceMethod().getAnnotation(RolesAllowed.class);
      String who = security.getUserPrincipal() instanceof ApiUser u
          ? u.name() + " has role(s) " + String.join(", ", new TreeSet<>(u.roles())) : "you are not logged in";
      return response(Response.Status.FORBIDDEN, needed == null ? who + ": not allowed"
          : who + "; this request needs one of: " + String.join(", ", needed.value()));
    }
  }
}
