package dev.portcullis.policy;

/**
 * One part of an SSH request as the policy judged it: a simple command of an exec command line, or the request
 * itself for the other actions.
 *
 * @param text       exec: the simple command's original text; otherwise what was asked, e.g. {@code shell},
 *                   {@code subsystem sftp}, {@code port-forward db:5432}
 * @param normalized what the rule globs were matched against: exec: the words joined by single spaces, then the
 *                   redirections; subsystem/port-forward: the detail; otherwise empty
 * @param depth      exec: 0 at the top level, more inside command substitutions; otherwise 0
 * @param decision   the decision for this part alone
 */
public record JudgedCommand(String text, String normalized, int depth, Decision decision) {}
