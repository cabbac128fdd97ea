package io.pgrunbooks.config;

import java.util.List;

/**
 * A person who may approve steps.
 *
 * @param name the name approvals are recorded under
 * @param roles roles such as dba, sre, approver (at least one)
 */
public record ApproverConfig(String name, List<String> roles) {
  public ApproverConfig {
    roles = Copies.list(roles);
  }
}
