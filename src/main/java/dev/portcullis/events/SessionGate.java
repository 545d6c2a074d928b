package dev.portcullis.events;

/**
 * Asked by protocol listeners before they admit a new session: may one start now, given where audit events stand?
 * Called for every new connection, so implementations answer with a volatile read.
 */
@FunctionalInterface
public interface SessionGate {
  /** True when a new session may start; false when it must be refused because its events cannot be delivered. */
  boolean admitsNewSessions();

  /** Always admits (the embedded journal: events are on local disk once written). */
  SessionGate OPEN = () -> true;
}
