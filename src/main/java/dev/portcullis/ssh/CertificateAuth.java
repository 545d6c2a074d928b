package dev.portcullis.ssh;

import dev.portcullis.config.SshTargetConfig;
import java.security.PublicKey;
import java.time.Clock;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication that accepts only certificates of the gateway's {@link SshUserCa}; the SSH user names
 * the target, as with {@link TokenAuthenticator}.
 *
 * <p>MINA's {@link UserAuthPublicKey} does the protocol: the query round, certificate type and validity, the CA's
 * signature over the certificate (with whatever CA key the certificate names), and that the request is signed by
 * the <em>certified</em> key. Before handing the request to it, this class runs {@link UserCertificateCheck} (our
 * CA only, our extensions) and the target lookup, and explains a refusal in a banner; after MINA reports the
 * signature verified, and only then, it sets {@link TokenAuthenticator#AUTHENTICATED}, so the rest of the gateway
 * cannot tell the two routes apart.
 */
final class CertificateAuth extends UserAuthPublicKey {
  private static final Logger LOG = LoggerFactory.getLogger(CertificateAuth.class);
  /** Set once a plain key was refused with a banner: OpenSSH offers every key in ~/.ssh, one explanation is enough. */
  private static final AttributeKey<Boolean> PLAIN_KEY_EXPLAINED = new AttributeKey<>();

  private final UserCertificateCheck certificates;
  private final Function<String, SshTargetConfig> targets;
  private final Clock clock;

  CertificateAuth(UserCertificateCheck certificates, Function<String, SshTargetConfig> targets, Clock clock) {
    this.certificates = certificates;
    this.targets = targets;
    this.clock = clock;
  }

  /** The factory the server lists as {@code publickey}. */
  static UserAuthPublicKeyFactory factory(UserCertificateCheck certificates,
      Function<String, SshTargetConfig> targets, Clock clock) {
    return new UserAuthPublicKeyFactory() {
      @Override
      public UserAuthPublicKey createUserAuth(ServerSession session) {
        return new CertificateAuth(certificates, targets, clock);
      }
    };
  }

  /**
   * What MINA consults between its own checks and the signature check; the same verdict as
   * {@link #doAuth}'s own check, so neither can let through what the other refuses.
   */
  static PublickeyAuthenticator authenticator(UserCertificateCheck certificates, Clock clock) {
    return (username, key, session) -> certificates.check(key, clock.instant())
        instanceof UserCertificateCheck.Accepted;
  }

  @Override
  public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
    if (!init) {
      return super.doAuth(buffer, init); // publickey has no follow-up messages; MINA refuses one itself
    }
    ServerSession session = getServerSession();
    PublicKey key = offeredKey(buffer);
    if (key == null) {
      return Boolean.FALSE; // unreadable or an unknown key type: nothing to explain beyond "not accepted"
    }
    UserCertificateCheck.Result result = certificates.check(key, clock.instant());
    if (result instanceof UserCertificateCheck.Refused refused) {
      if (refused.certificate() || session.setAttribute(PLAIN_KEY_EXPLAINED, Boolean.TRUE) == null) {
        TokenAuthenticator.banner(session, "portcullis: " + refused.reason() + "\r\n");
      }
      return Boolean.FALSE;
    }
    UserCertificateCheck.Accepted accepted = (UserCertificateCheck.Accepted) result;
    SshTargetConfig target = targets.apply(getUsername());
    if (target == null) {
      TokenAuthenticator.banner(session, TokenAuthenticator.unknownTarget(getUsername()));
      return Boolean.FALSE;
    }
    if (accepted.target() != null && !accepted.target().equals(target.name())) {
      TokenAuthenticator.banner(session, "portcullis: this certificate is only for target '"
          + TokenAuthenticator.printable(accepted.target()) + "'\r\n");
      return Boolean.FALSE;
    }
    Boolean verdict = super.doAuth(buffer, init);
    if (Boolean.TRUE.equals(verdict)) {
      // MINA allows no asynchronous step in publickey authentication: the identity is admitted to the target
      // right after the login instead (SshGatewayServer), before any channel is judged.
      session.setAttribute(TokenAuthenticator.AUTHENTICATED,
          new TokenAuthenticator.Authenticated(accepted.identity(), target, false));
      LOG.debug("ssh: certificate serial {} of key {} accepted for '{}'", accepted.serial(), accepted.fingerprint(),
          target.name());
    }
    return verdict;
  }

  /** The public key (or certificate) of the request, read without moving the buffer; {@code null} if unreadable. */
  private static PublicKey offeredKey(Buffer buffer) {
    int start = buffer.rpos();
    try {
      buffer.getBoolean(); // has signature
      buffer.getString(); // algorithm
      return new ByteArrayBuffer(buffer.getBytes()).getRawPublicKey();
    } catch (Exception e) {
      return null;
    } finally {
      buffer.rpos(start);
    }
  }
}
