package dev.portcullis.pg.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SCAFFOLDING until the forward branch's LocalPostgres is merged: a throwaway PostgreSQL 15 (trust auth on
 * 127.0.0.1, database {@code postgres}, superuser {@code app}).
 */
final class InterimPostgres implements AutoCloseable {
  private static final String BIN = "/usr/lib/postgresql/15/bin/";
  final Path dir;
  final int port;

  private InterimPostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static InterimPostgres start() throws Exception {
    Path dir = Files.createTempDirectory("pg-term-");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      run(List.of("chown", "postgres", dir.toString()), false);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    run(List.of(BIN + "initdb", "-D", dir.resolve("data").toString(), "-U", "app", "-A", "trust", "-E", "UTF8",
        "--no-sync"), root);
    run(List.of(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), root);
    InterimPostgres pg = new InterimPostgres(dir, port);
    Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
    return pg;
  }

  private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(
        ProcessBuilder.Redirect.DISCARD).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("failed: " + full);
    }
  }

  @Override
  public synchronized void close() {
    try {
      run(List.of(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "stop"),
          "root".equals(System.getProperty("user.name")));
    } catch (Exception ignored) {
      // already stopped
    }
  }
}
