package dev.portcullis.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL that {@code portcullis dev} puts behind the gateway: a cluster of its own under the data directory,
 * made from the PostgreSQL binaries installed on the machine (so a fresh machine needs only the distribution's
 * PostgreSQL package, no running server and no admin password).
 *
 * <p>The cluster uses SCRAM authentication, listens on 127.0.0.1 only, and holds a database {@code orders} with
 * sample tables. The gateway connects as {@code gw_orders}, an ordinary role whose random password is kept in a
 * file only the gateway reads; agents never learn it.
 *
 * <p>Runs blocking processes: call it before Vert.x starts, or on a worker.
 */
final class DevPostgres {
  static final String DATABASE = "orders";
  static final String GATEWAY_ROLE = "gw_orders";
  private static final String ADMIN_ROLE = "portcullis_admin";

  private final Path dir;
  private final Path bindir;
  private final int port;
  private final boolean asRoot;

  private DevPostgres(Path dir, Path bindir, int port) {
    this.dir = dir;
    this.bindir = bindir;
    this.port = port;
    this.asRoot = "root".equals(System.getProperty("user.name"));
  }

  /** Finds the binaries: {@code PG_BINDIR}, then {@code pg_config --bindir}, then the newest /usr/lib/postgresql. */
  static DevPostgres in(Path dir, int port) throws IOException {
    return new DevPostgres(dir, findBindir(), port);
  }

  int port() {
    return port;
  }

  Path passwordFile() {
    return dir.resolve("gw_orders.pw");
  }

  /** Creates the cluster on first use, starts it, and makes sure the sample database exists. */
  void start() throws IOException {
    Path data = dir.resolve("pgdata");
    Files.createDirectories(dir);
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      initialise(data);
    }
    ownByPostgres(dir);
    run(List.of(bin("pg_ctl"), "-D", data.toString(), "-w", "-l", dir.resolve("postgres.log").toString(),
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start"), Map.of());
    seed();
  }

  void stop() {
    try {
      run(List.of(bin("pg_ctl"), "-D", dir.resolve("pgdata").toString(), "-m", "fast", "stop"), Map.of());
    } catch (IOException e) {
      System.err.println("portcullis dev: could not stop PostgreSQL: " + e.getMessage());
    }
  }

  private void initialise(Path data) throws IOException {
    Path adminPw = dir.resolve("admin.pw");
    writeSecret(adminPw, randomSecret());
    writeSecret(passwordFile(), randomSecret());
    ownByPostgres(dir);
    run(List.of(bin("initdb"), "-D", data.toString(), "-U", ADMIN_ROLE, "--pwfile=" + adminPw,
        "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"), Map.of());
  }

  private void seed() throws IOException {
    String gwPassword = Files.readString(passwordFile()).trim();
    String exists = psql("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'").trim();
    if (!exists.equals("1")) {
      psql("postgres", "CREATE DATABASE " + DATABASE);
    }
    // Idempotent, so a restarted dev gateway finds the same state; the password literal never reaches a log.
    psql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + GATEWAY_ROLE
        + "') THEN CREATE ROLE " + GATEWAY_ROLE + " LOGIN; END IF; END $$;"
        + "ALTER ROLE " + GATEWAY_ROLE + " PASSWORD '" + gwPassword.replace("'", "''") + "'");
    psql(DATABASE, SAMPLE_SCHEMA);
  }

  private static final String SAMPLE_SCHEMA = """
      CREATE TABLE IF NOT EXISTS public.customers (
        id serial PRIMARY KEY, name text NOT NULL, email text, card_number text);
      CREATE TABLE IF NOT EXISTS public.orders (
        id serial PRIMARY KEY, customer_id int REFERENCES public.customers(id),
        total numeric(10,2) NOT NULL, status text NOT NULL DEFAULT 'new', created_at timestamptz DEFAULT now());
      CREATE TABLE IF NOT EXISTS public.secrets (id serial PRIMARY KEY, note text);
      INSERT INTO public.customers (name, email, card_number)
        SELECT 'Ada', 'ada@example.com', '4111111111111111' WHERE NOT EXISTS (SELECT 1 FROM public.customers);
      INSERT INTO public.customers (name, email, card_number)
        SELECT 'Linus', 'linus@example.com', '5500005555555559' WHERE (SELECT count(*) FROM public.customers) = 1;
      INSERT INTO public.orders (customer_id, total)
        SELECT 1, 42.00 WHERE NOT EXISTS (SELECT 1 FROM public.orders);
      INSERT INTO public.secrets (note)
        SELECT 'the agent must never read this' WHERE NOT EXISTS (SELECT 1 FROM public.secrets);
      GRANT USAGE ON SCHEMA public TO gw_orders;
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gw_orders;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO gw_orders;
      """;

  private String psql(String database, String sql) throws IOException {
    String adminPassword = Files.readString(dir.resolve("admin.pw")).trim();
    return run(List.of(bin("psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(),
        "-p", Integer.toString(port), "-U", ADMIN_ROLE, "-d", database, "-c", sql),
        Map.of("PGPASSWORD", adminPassword));
  }

  private String bin(String name) {
    return bindir.resolve(name).toString();
  }

  /** Runs a PostgreSQL program; as root, as the {@code postgres} user (initdb and postgres refuse root). */
  private String run(List<String> command, Map<String, String> env) throws IOException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(command.get(0) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return out;
  }

  private void ownByPostgres(Path path) throws IOException {
    if (!asRoot) {
      return;
    }
    try {
      Process p = new ProcessBuilder("chown", "-R", "postgres:postgres", path.toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException("chown of " + path + " failed (is the 'postgres' user present?)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void writeSecret(Path file, String value) throws IOException {
    Files.writeString(file, value + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  private static String randomSecret() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Path findBindir() throws IOException {
    String env = System.getenv("PG_BINDIR");
    if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
      return Path.of(env);
    }
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() == 0 && Files.isExecutable(Path.of(out, "initdb"))) {
        return Path.of(out);
      }
    } catch (IOException | InterruptedException e) {
      // fall through to the distribution's layout
    }
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        var found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparing(b -> versionOf(b.getParent())));
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
    throw new IOException("no PostgreSQL server binaries found (initdb); install them, e.g. "
        + "'apt-get install postgresql', or set PG_BINDIR");
  }

  private static int versionOf(Path versionDir) {
    try {
      return Integer.parseInt(versionDir.getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
