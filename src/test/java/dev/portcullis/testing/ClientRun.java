package dev.portcullis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a real PostgreSQL client program (psql, pgbench) with a token as its password: its exit code and its
 * stdout and stderr together, as a person at a terminal would see them.
 */
public record ClientRun(int exit, String output) {
  public static ClientRun of(String token, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", token);
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", command));
    }
    return new ClientRun(p.exitValue(), output);
  }
}
