package dev.portcullis.config;

import java.time.Duration;

/**
 * The SSH listener's limits ({@code listen.ssh}), so that slow, idle or greedy clients cannot hold the gateway's
 * resources (each session may hold a connection to a target).
 *
 * @param authTimeout            a connection not authenticated by then is closed (MINA's {@code auth-timeout})
 * @param idleTimeout            a session with no traffic either way for that long is closed (MINA's
 *                               {@code idle-timeout}); a command that prints nothing counts as idle, so agents
 *                               running quiet commands set OpenSSH's {@code ServerAliveInterval} below it
 * @param maxSessions            connections beyond this many (authenticated or not) are refused
 * @param maxSessionsPerIdentity authenticated sessions of one token subject beyond this many are refused
 * @param maxChannelsPerSession  channels (exec, shell, subsystem) open at once in one session (MINA's
 *                               {@code max-concurrent-channels}); OpenSSH's sshd allows 10 ({@code MaxSessions})
 */
public record SshLimits(Duration authTimeout, Duration idleTimeout, int maxSessions, int maxSessionsPerIdentity,
    int maxChannelsPerSession) {
  public static final SshLimits DEFAULTS = new SshLimits(Duration.ofSeconds(30), Duration.ofMinutes(15), 256, 32,
      10);
}
