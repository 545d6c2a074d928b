package dev.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listen.ssh.userCa} and {@code maxCertificateValidity}: defaults beside the host key, strict values. */
class SshUserCaConfigTest {
  private static final String CONFIG = """
      oidc: { issuer: https://idp.example.com }
      listen:
        ssh: { hostKey: data/host_key SSH_EXTRA }
      targets:
        box:
          type: ssh
          host: 10.0.0.5
          username: deploy
          privateKeyFile: box.key
          hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHr6zkw0ZJmQ1d8bq2kvx0UuPZXwQeE5y1nhfFZl7c1b"
      """;

  @TempDir
  Path dir;

  private GatewayConfig load(String extra) throws IOException {
    Files.writeString(dir.resolve("box.key"), "not parsed by the loader\n");
    Path file = dir.resolve("gateway.yaml");
    Files.writeString(file, CONFIG.replace(" SSH_EXTRA", extra));
    return new ConfigLoader(Map.<String, String>of()::get).load(file);
  }

  @Test
  void defaultsLiveNextToTheHostKey() throws IOException {
    SshListenConfig ssh = load("").ssh();
    assertEquals(dir.resolve("data/ssh_user_ca"), ssh.userCa());
    assertEquals(Duration.ofHours(1), ssh.maxCertificateValidity());
  }

  @Test
  void explicitValuesResolveAgainstTheConfigFile() throws IOException {
    SshListenConfig ssh = load(", userCa: shared/ca_key, maxCertificateValidity: 15m").ssh();
    assertEquals(dir.resolve("shared/ca_key"), ssh.userCa());
    assertEquals(Duration.ofMinutes(15), ssh.maxCertificateValidity());
  }

  @Test
  void wrongValuesAreErrors() {
    YamlException zero = assertThrows(YamlException.class, () -> load(", maxCertificateValidity: 0s"));
    assertTrue(zero.getMessage().contains("maxCertificateValidity must be longer than 0"), zero.getMessage());
    YamlException unit = assertThrows(YamlException.class, () -> load(", maxCertificateValidity: 1d"));
    assertTrue(unit.getMessage().contains("must be a duration"), unit.getMessage());
    YamlException typo = assertThrows(YamlException.class, () -> load(", userCA: x"));
    assertTrue(typo.getMessage().contains("userCA"), typo.getMessage());
  }
}
