package dev.portcullis.ssh;

import dev.portcullis.config.SshLimits;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code listen.ssh.maxSessions} and {@code maxSessionsPerIdentity}. MINA's own {@code max-concurrent-sessions}
 * counts per SSH user name, which here is the target, not the agent; so the gateway counts itself.
 *
 * <p>Every connection counts from its creation, authenticated or not (unauthenticated connections are what a
 * flood is made of); one over the limit is told so once its key exchange is done, so that the client can show the
 * message, and disconnected. An identity's sessions count from authentication, by token subject: one over its
 * limit fails authentication, with a banner saying why (no session events: the session never starts).
 *
 * <p>Also words MINA's timeout disconnects ({@code auth-timeout}, {@code idle-timeout}): MINA's own description
 * reaches OpenSSH as "Protocol error or corrupt packet", which sends an agent looking for the wrong problem.
 */
final class SessionLimiter implements SessionListener, SessionDisconnectHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLimiter.class);
  private static final AttributeKey<Boolean> OVER_LIMIT = new AttributeKey<>();
  private static final AttributeKey<String> COUNTED_SUBJECT = new AttributeKey<>();

  private final int maxSessions;
  private final int maxPerIdentity;
  private final AtomicInteger open = new AtomicInteger();
  /** Authenticated sessions per subject; updated only inside the map's atomic merge/compute. */
  private final ConcurrentHashMap<String, Integer> bySubject = new ConcurrentHashMap<>();

  SessionLimiter(SshLimits limits) {
    this.maxSessions = limits.maxSessions();
    this.maxPerIdentity = limits.maxSessionsPerIdentity();
  }

  @Override
  public void sessionCreated(Session session) {
    if (open.incrementAndGet() > maxSessions) {
      session.setAttribute(OVER_LIMIT, Boolean.TRUE);
    }
  }

  @Override
  public void sessionEvent(Session session, Event event) {
    if (event == Event.KeyEstablished && session.getAttribute(OVER_LIMIT) != null) {
      LOG.warn("ssh: refused a connection from {}: {} sessions open (listen.ssh.maxSessions)",
          session.getIoSession().getRemoteAddress(), maxSessions);
      disconnect(session, SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, "portcullis: the gateway has too many"
          + " SSH sessions open (" + maxSessions + "); try again later");
    }
  }

  /**
   * Counts a session of {@code subject} that is about to be authenticated, or says why not: that identity already
   * has {@code maxSessionsPerIdentity} (the token authenticator then fails the attempt with this as its banner).
   *
   * @return null when admitted (counted until the session closes), else the refusal for the agent
   */
  String admit(Session session, String subject) {
    if (session.getAttribute(COUNTED_SUBJECT) != null) {
      return null; // counted already
    }
    int count = bySubject.merge(subject, 1, Integer::sum);
    if (count > maxPerIdentity) {
      bySubject.computeIfPresent(subject, (s, n) -> n <= 1 ? null : n - 1);
      LOG.warn("ssh: refused a session of '{}': {} sessions open (listen.ssh.maxSessionsPerIdentity)", subject,
          maxPerIdentity);
      return "portcullis: '" + subject + "' has too many SSH sessions open (" + maxPerIdentity
          + "); close one and try again";
    }
    session.setAttribute(COUNTED_SUBJECT, subject);
    return null;
  }

  @Override
  public void sessionClosed(Session session) {
    open.decrementAndGet();
    String subject = session.removeAttribute(COUNTED_SUBJECT);
    if (subject != null) {
      bySubject.computeIfPresent(subject, (s, count) -> count <= 1 ? null : count - 1);
    }
  }

  @Override
  public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) {
    String after = human(timeout.getThresholdValue());
    String why = switch (timeout.getStatus()) {
      case AuthTimeout -> "not authenticated within " + after + " (listen.ssh.authTimeout)";
      case IdleTimeout -> "no traffic for " + after + " (listen.ssh.idleTimeout); a command that prints nothing"
          + " for that long needs ServerAliveInterval";
      default -> null;
    };
    if (why == null) {
      return false; // MINA disconnects in its own words
    }
    disconnect(session, SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "portcullis: session closed: " + why);
    return true;
  }

  /** 1s, 15m, 1500ms: as the config file writes durations. */
  static String human(java.time.Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static void disconnect(Session session, int reason, String message) {
    try {
      session.disconnect(reason, message);
    } catch (IOException e) {
      session.close(true);
    }
  }
}
