package dev.portcullis.admin;

import dev.portcullis.ssh.SshUserCa;
import java.util.Set;

/**
 * What the admin API needs to issue SSH user certificates ({@code POST /ssh/certificates}); absent when the
 * gateway has no SSH listener.
 *
 * @param ca      the user CA the SSH listener trusts (the same {@code listen.ssh.userCa} file)
 * @param targets the SSH target names a request may restrict its certificate to
 * @param sshPort the SSH listener's port, so the CLI can print the whole {@code ssh} command
 */
public record SshCertificates(SshUserCa ca, Set<String> targets, int sshPort) {
  public SshCertificates {
    targets = Set.copyOf(targets);
  }
}
