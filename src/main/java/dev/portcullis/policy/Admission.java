package dev.portcullis.policy;

import java.util.List;

/**
 * Whether a session may start. When not admitted, {@code reason} names the identity and the target and is sent to
 * the client with SQLSTATE 28000 (design-notes §3).
 *
 * @param policies the names of the policies that apply (empty when not admitted)
 */
public record Admission(boolean admitted, List<String> policies, String reason) {
  public Admission {
    policies = List.copyOf(policies);
  }
}
