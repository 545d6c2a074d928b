/**
 * PostgreSQL protocol termination: where agents' PostgreSQL clients connect (design-notes §0, §2, §5).
 *
 * <ul>
 *   <li>{@link dev.portcullis.pg.PgTerminationVerticle} — the listener; one {@code PgFrontendSession} per
 *       connection (TLS, startup, token, admission, upstream open), then a {@code MessageRelay} that judges every
 *       Query / Parse on {@code portcullis.policy.judge} and relays frames with the forwarder per
 *       {@code forward/package-info}.</li>
 *   <li>A refused message is replaced, towards the backend, by a {@code DO} block that raises the refusal there
 *       ({@code RefusalStatement}), so transaction semantics and reply order stay PostgreSQL's own;
 *       {@code StatementTracker} matches replies to statements for audit events and hides the gateway's
 *       bookkeeping from the client.</li>
 *   <li>Every SQLSTATE and message the client can see comes from {@code ErrorReplies}.</li>
 * </ul>
 */
package dev.portcullis.pg;
