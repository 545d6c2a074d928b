package dev.portcullis.policy.sql;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A throwaway PostgreSQL 15 cluster with SCRAM auth (design-notes §6 recipe), for tests. */
final class ThrowawayPostgres implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private final Path dir;
  final int port;
  final String password = UUID.randomUUID().toString();

  private ThrowawayPostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static boolean available() {
    return Files.isExecutable(BIN.resolve("initdb"));
  }

  static ThrowawayPostgres start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("portcullis-sql-pg");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ThrowawayPostgres pg = new ThrowawayPostgres(dir, port);
    Path pw = dir.resolve("pw");
    Files.writeString(pw, pg.password + "\n");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "-R", "postgres", dir.toString()));
    }
    run(asPostgres(root, BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "app",
        "--pwfile=" + pw, "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"));
    run(asPostgres(root, BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-l",
        dir.resolve("log").toString(), "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    Runtime.getRuntime().addShutdownHook(new Thread(pg::stopQuietly));
    return pg;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=app&password=" + password
        + "&preferQueryMode=simple";
  }

  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      if (Files.exists(dir.resolve("data/postmaster.pid"))) {
        run(asPostgres(root, BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m",
            "immediate", "stop"));
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // best effort at shutdown
    }
  }

  private static List<String> asPostgres(boolean root, String... command) {
    List<String> out = new ArrayList<>();
    if (root) {
      out.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    out.addAll(List.of(command));
    return out;
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("failed: " + String.join(" ", command));
    }
  }
}
