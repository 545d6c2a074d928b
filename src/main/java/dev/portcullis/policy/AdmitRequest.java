package dev.portcullis.policy;

import dev.portcullis.identity.Identity;

/**
 * Asked once per session at startup (address {@code portcullis.policy.admit}), after the token is validated and
 * before any upstream connection: does any policy apply to this identity and target? Reply: {@link Admission}.
 */
public record AdmitRequest(Identity identity, String target) {}
