package dev.portcullis.ssh;

import dev.portcullis.config.SshTargetConfig;
import dev.portcullis.identity.Identity;
import dev.portcullis.identity.TokenRejectedException;
import dev.portcullis.identity.TokenValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Password and keyboard-interactive authentication with the agent's OIDC token; the SSH user names the target.
 *
 * <p>The token is validated on Vert.x ({@code onVertx}) while MINA's thread returns at once: the authenticator
 * throws {@link AsyncAuthException}, which MINA answers when the validation completes. An unknown target or a
 * rejected token fails the attempt, with an SSH banner saying why (never echoing the token).
 *
 * <p>OpenSSH's client reads at most 1023 bytes as a password or keyboard-interactive answer; longer tokens (typical
 * Keycloak/Okta tokens are 1–3 KB) take the certificate route of design-notes §2: {@code portcullis ssh-cert}
 * exchanges the token at the admin API ({@code POST /ssh/certificates}) for a short-lived user certificate of the
 * gateway's {@link SshUserCa}, which {@link CertificateAuth} accepts and turns into the same {@link #AUTHENTICATED}
 * attribute this class sets.
 */
public final class TokenAuthenticator implements PasswordAuthenticator, KeyboardInteractiveAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);
  /** The authenticated identity and target, set on the server session when a token was accepted. */
  static final AttributeKey<Authenticated> AUTHENTICATED = new AttributeKey<>();
  /** Far above any real token; a bound so nobody makes the validator parse megabytes. */
  static final int MAX_TOKEN_CHARS = 16 * 1024;
  /** What OpenSSH's client sends of a longer password: a rejected token of exactly this length was surely cut. */
  static final int OPENSSH_MAX_PASSWORD = 1023;

  private final Function<String, SshTargetConfig> targets;
  private final TokenValidator tokens;
  private final SshPolicy admission;
  private final Executor onVertx;
  private final BiFunction<ServerSession, Identity, String> limit;

  /**
   * @param admission asked after the token is accepted whether the identity may use the target at all
   * @param onVertx   runs the validation on the gateway's Vert.x context (e.g. {@code context::runOnContext})
   * @param limit     asked last, once the identity is admitted: null lets the session count, anything else is why
   *                  not (the attempt fails with that banner), e.g. too many sessions of that identity
   */
  public TokenAuthenticator(Function<String, SshTargetConfig> targets, TokenValidator tokens, SshPolicy admission,
      Executor onVertx, BiFunction<ServerSession, Identity, String> limit) {
    this.targets = targets;
    this.tokens = tokens;
    this.admission = admission;
    this.onVertx = onVertx;
    this.limit = limit;
  }

  /**
   * What a successful authentication established.
   *
   * @param admitted whether the identity was already admitted to the target (the token route does it first) */
  record Authenticated(Identity identity, SshTargetConfig target, boolean admitted) {}

  @Override
  public boolean authenticate(String username, String password, ServerSession session) {
    return check(username, password, session);
  }

  @Override
  public InteractiveChallenge generateChallenge(ServerSession session, String username, String lang,
      String subMethods) {
    if (targets.apply(username) == null) {
      banner(session, unknownTarget(username));
      return null; // no challenge: the method fails at once
    }
    InteractiveChallenge challenge = new InteractiveChallenge();
    challenge.setInteractionName("Portcullis");
    challenge.setInteractionInstruction("Paste your OIDC access token for target '" + username + "'.");
    challenge.addPrompt("OIDC token: ", false);
    return challenge;
  }

  @Override
  public boolean authenticate(ServerSession session, String username, List<String> responses) {
    return check(username, responses == null || responses.size() != 1 ? null : responses.get(0), session);
  }

  private boolean check(String username, String token, ServerSession session) {
    SshTargetConfig target = targets.apply(username);
    if (target == null) {
      banner(session, unknownTarget(username));
      return false;
    }
    if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
      banner(session, "portcullis: give your OIDC access token as the password\r\n");
      return false;
    }
    AsyncAuthException pending = new AsyncAuthException();
    onVertx.execute(() -> tokens.validate(token.strip())
        .compose(identity -> admission.admit(identity, target.name()).map(identity))
        .onComplete(validated -> {
          LOG.debug("ssh: token ({} chars) for target '{}' {}", token.length(), target.name(),
              validated.succeeded() ? "accepted" : "rejected");
          String overLimit = validated.succeeded() ? limit.apply(session, validated.result()) : null;
          if (overLimit != null) {
            banner(session, overLimit + "\r\n");
            pending.setAuthed(false);
          } else if (validated.succeeded()) {
            session.setAttribute(AUTHENTICATED, new Authenticated(validated.result(), target, true));
            pending.setAuthed(true);
          } else {
            banner(session, refusal(validated.cause(), token.length()));
            pending.setAuthed(false);
          }
        }));
    throw pending;
  }

  /** Why the login failed, for the banner: never the token itself. */
  private static String refusal(Throwable e, int tokenLength) {
    if (e instanceof SshRefusal refused) {
      return "portcullis: " + refused.getMessage() + "\r\n";
    }
    if (e instanceof TokenRejectedException) {
      // its message says why (expired, wrong audience…) and never contains the token
      return "portcullis: token rejected: " + e.getMessage() + "\r\n" + (tokenLength == OPENSSH_MAX_PASSWORD
          ? "portcullis: OpenSSH cuts passwords at 1023 bytes; for longer tokens use `portcullis ssh-cert`\r\n"
          : "");
    }
    LOG.warn("ssh: token validation or admission failed: {}", e.toString());
    return "portcullis: token rejected: the token could not be validated\r\n";
  }

  static String unknownTarget(String username) {
    return "portcullis: unknown target '" + printable(username) + "' (the SSH user names the target)\r\n";
  }

  /** The user name as typed, without control characters that could rewrite the agent's terminal. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().limit(100).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  /** SSH_MSG_USERAUTH_BANNER: the one place the protocol lets a server explain an authentication failure. */
  static void banner(ServerSession session, String message) {
    try {
      byte[] text = message.getBytes(StandardCharsets.UTF_8);
      Buffer buffer = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER, text.length + 16);
      buffer.putString(message);
      buffer.putString("");
      session.writePacket(buffer);
    } catch (IOException | RuntimeException e) {
      LOG.debug("ssh: could not send a banner: {}", e.toString());
    }
  }
}
