package dev.portcullis.policy;

import dev.portcullis.identity.Identity;
import java.util.ArrayList;
import java.util.List;

/**
 * The policies in force, with a version that every reload bumps (part of the decision-cache key, so a cached
 * decision can never outlive the policies it was made under).
 */
public record PolicySet(long version, List<Policy> policies) {
  public PolicySet {
    policies = List.copyOf(policies);
  }

  /** The policies that apply to this identity on this target, in load order. */
  public List<Policy> applicable(Identity identity, String target) {
    List<Policy> out = new ArrayList<>(2);
    for (Policy p : policies) {
      if (p.appliesTo(identity, target)) {
        out.add(p);
      }
    }
    return out;
  }
}
