package dev.portcullis.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portcullis ssh-cert --gateway URL}: exchanges the agent's OIDC token ({@code PORTCULLIS_TOKEN}) for a
 * short-lived SSH user certificate of its own public key (design-notes §2), because OpenSSH cannot send a token
 * longer than 1023 bytes as a password. Writes {@code KEY-cert.pub} next to the key, where {@code ssh -i KEY} also
 * finds it by itself, and prints the validity and the command to connect with.
 *
 * <p>Exit codes: 0 written, 1 the gateway refused or could not be reached (its message is printed), 2 usage.
 */
@Command(name = "ssh-cert", mixinStandardHelpOptions = true,
    description = {"Get a short-lived SSH certificate for your public key from a gateway's admin API.",
        "The token (the agents' audience, as for connecting) is read from PORTCULLIS_TOKEN."})
final class SshCertCommand implements Callable<Integer> {
  /** What {@code ssh} itself tries, in its order; the first that exists is used. */
  static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  private final Function<String, String> env;
  private final Path home;

  @Option(names = "--gateway", required = true, paramLabel = "URL",
      description = "The gateway's admin API, e.g. http://127.0.0.1:9180 (listen.admin).")
  String gateway;

  @Option(names = "--public-key", paramLabel = "FILE",
      description = "Your public key (default: the first of ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub).")
  Path publicKey;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Where to write the certificate (default: the key's name with -cert.pub, next to it).")
  Path out;

  @Option(names = "--target", paramLabel = "NAME",
      description = "Restrict the certificate to one SSH target (default: any target your policies allow).")
  String target;

  @Option(names = "--json", description = "Print the API's JSON instead of sentences.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  SshCertCommand() {
    this(System::getenv, Path.of(System.getProperty("user.home")));
  }

  /**
   * @param env  where {@code PORTCULLIS_TOKEN} is read (tests pass a map's {@code get})
   * @param home where the default keys are looked for ({@code ~/.ssh})
   */
  SshCertCommand(Function<String, String> env, Path home) {
    this.env = env;
    this.home = home;
  }

  @Override
  public Integer call() throws IOException {
    ApprovalsCommand.Call call = ApprovalsCommand.Call.open(spec, env, gateway, "portcullis ssh-cert",
        "for the agents' audience (the one you connect with)");
    Path key = publicKey != null ? publicKey : defaultKey();
    if (!Files.isReadable(key)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "cannot read the public key " + key
          + " (make one with: ssh-keygen -t ed25519)");
    }
    String line = Files.readString(key).strip();
    if (line.contains("PRIVATE KEY")) {
      // Never send a private key anywhere: the gateway needs only the .pub half.
      throw new CommandLine.ParameterException(spec.commandLine(), key + " is a private key; pass its .pub file");
    }
    JsonObject body = new JsonObject().put("publicKey", line);
    if (target != null) {
      body.put("target", target);
    }
    HttpResponse<String> response = call.send(call.request("/ssh/certificates")
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
        .build());
    if (response == null || response.statusCode() != 200) {
      return call.refused(response);
    }
    JsonObject issued;
    try {
      issued = new JsonObject(response.body());
    } catch (DecodeException e) {
      issued = new JsonObject();
    }
    String certificate = issued.getString("certificate");
    if (certificate == null || !certificate.matches("[A-Za-z0-9@.-]+-cert-v01@openssh\\.com [A-Za-z0-9+/=]+( \\S+)?")) {
      spec.commandLine().getErr().println("portcullis ssh-cert: the gateway's answer holds no certificate");
      return 1;
    }
    Path privateKey = privateKeyOf(key);
    Path file = out != null ? out : privateKey.resolveSibling(privateKey.getFileName() + "-cert.pub");
    Files.writeString(file, certificate + "\n");
    PrintWriter stdout = spec.commandLine().getOut();
    if (json) {
      stdout.println(issued.copy().put("file", file.toString()).encodePrettily());
    } else {
      stdout.println("Certificate for " + ApprovalsCommand.PendingTable.printable(issued.getString("principal"), 100)
          + " written to " + file);
      stdout.println("Valid until " + issued.getString("validBefore") + validFor(issued.getString("validBefore"))
          + (issued.getString("target") != null ? ", only for target " + issued.getString("target") : ""));
      stdout.println("Connect with:");
      stdout.println("  ssh -i " + privateKey + " -o CertificateFile=" + file + " -p "
          + issued.getInteger("sshPort", 2222) + " " + (target != null ? target : "TARGET") + "@"
          + call.base().getHost());
    }
    stdout.flush();
    return 0;
  }

  private Path defaultKey() {
    for (String name : DEFAULT_KEYS) {
      Path candidate = home.resolve(".ssh").resolve(name + ".pub");
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    throw new CommandLine.ParameterException(spec.commandLine(), "no public key in " + home.resolve(".ssh")
        + " (" + String.join(".pub, ", DEFAULT_KEYS) + ".pub); make one with ssh-keygen -t ed25519, or pass "
        + "--public-key");
  }

  /** {@code id_ed25519.pub} → {@code id_ed25519}: the private key ssh -i names, and the certificate's stem. */
  static Path privateKeyOf(Path publicKey) {
    String name = publicKey.getFileName().toString();
    return name.endsWith(".pub") && name.length() > 4
        ? publicKey.resolveSibling(name.substring(0, name.length() - 4)) : publicKey;
  }

  private static String validFor(String validBefore) {
    try {
      long minutes = Duration.between(Instant.now(), Instant.parse(validBefore)).toMinutes();
      return minutes <= 0 ? " (less than a minute)" : " (" + minutes + " min)";
    } catch (DateTimeParseException | NullPointerException e) {
      return "";
    }
  }
}
