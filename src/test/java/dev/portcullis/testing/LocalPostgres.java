package dev.portcullis.testing;

import dev.portcullis.config.Secret;
import dev.portcullis.config.TargetConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL 15 per test JVM, started on first use from the local binaries (design-notes §6) and
 * stopped by a shutdown hook. Shared by every test class: create your own tables/schemas with names that do not
 * clash with other classes.
 *
 * <p>What exists once {@link #get()} returns:
 * <ul>
 *   <li>{@link #ADMIN_USER} — superuser with the known password {@link #ADMIN_PASSWORD}, for test setup only;</li>
 *   <li>database {@link #DATABASE} owned by the admin; {@link #APP_ROLE} may connect and has USAGE and CREATE on
 *       its {@code public} schema;</li>
 *   <li>{@link #APP_ROLE} — ordinary login role, SCRAM password known only through {@link #password(String)}
 *       (i.e. only the gateway's target config);</li>
 *   <li>{@link #MD5_ROLE}, {@link #CLEARTEXT_ROLE}, {@link #TRUST_ROLE} — ordinary roles whose pg_hba.conf lines
 *       force md5 (with an md5-stored password), {@code password} (cleartext), and {@code trust};</li>
 *   <li>{@link #SUPER_ROLE} — a superuser login role, and {@link #INHERITS_BYPASS_ROLE} — an ordinary login role
 *       that is (via an intermediate role) a member of a BYPASSRLS role: both must be refused as backends.</li>
 * </ul>
 * Every role other than the admin has the same rights on {@link #DATABASE} as {@link #APP_ROLE}.
 */
public final class LocalPostgres {
  public static final String ADMIN_USER = "pc_admin";
  public static final String ADMIN_PASSWORD = "pc-admin-test-password";
  public static final String DATABASE = "app";
  public static final String APP_ROLE = "gw_app";
  public static final String MD5_ROLE = "gw_md5";
  public static final String CLEARTEXT_ROLE = "gw_cleartext";
  public static final String TRUST_ROLE = "gw_trust";
  public static final String SUPER_ROLE = "gw_super";
  public static final String INHERITS_BYPASS_ROLE = "gw_inherits";

  private static final List<String> BACKEND_ROLES =
      List.of(APP_ROLE, MD5_ROLE, CLEARTEXT_ROLE, TRUST_ROLE, SUPER_ROLE, INHERITS_BYPASS_ROLE);

  private static LocalPostgres instance;

  private final Path bin;
  private final Path base;
  private final Path data;
  private final int port;
  private final Map<String, Secret> passwords = new LinkedHashMap<>();

  /** The shared instance; starts it on the first call (about a second). */
  public static synchronized LocalPostgres get() {
    if (instance == null) {
      try {
        LocalPostgres pg = new LocalPostgres();
        pg.start();
        instance = pg;
      } catch (IOException | InterruptedException | SQLException e) {
        throw new IllegalStateException("cannot start the test PostgreSQL: " + e.getMessage(), e);
      }
    }
    return instance;
  }

  private LocalPostgres() throws IOException, InterruptedException {
    this.bin = findBinDir();
    this.base = Files.createTempDirectory("portcullis-pg-");
    this.data = base.resolve("data");
    this.port = freePort();
    SecureRandom random = new SecureRandom();
    for (String role : BACKEND_ROLES) {
      if (!role.equals(TRUST_ROLE)) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        passwords.put(role, new Secret(role + "-" + HexFormat.of().formatHex(bytes)));
      }
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** JDBC URL of {@link #DATABASE}. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
  }

  /** A new superuser connection to {@link #DATABASE}; close it. */
  public Connection adminConnection() throws SQLException {
    return adminConnection(DATABASE);
  }

  public Connection adminConnection(String database) throws SQLException {
    return connect(database, ADMIN_USER, ADMIN_PASSWORD);
  }

  /** A direct pgjdbc connection as one of the backend roles (bypassing the gateway). */
  public Connection connectAs(String role) throws SQLException {
    Secret password = passwords.get(role);
    return connect(DATABASE, role, password == null ? null : password.reveal());
  }

  /** The password of a backend role ({@code null} for {@link #TRUST_ROLE}). */
  public Secret password(String role) {
    if (!BACKEND_ROLES.contains(role)) {
      throw new IllegalArgumentException("not a backend role of the fixture: " + role);
    }
    return passwords.get(role);
  }

  /** A target named {@code name} using {@link #APP_ROLE} on {@link #DATABASE}, no TLS. */
  public TargetConfig target(String name) {
    return target(name, APP_ROLE);
  }

  /** A target named {@code name} using the given backend role (with its password) on {@link #DATABASE}. */
  public TargetConfig target(String name, String role) {
    return target(name, role, password(role), false);
  }

  public TargetConfig target(String name, String role, Secret password, boolean allowPrivilegedBackend) {
    return new TargetConfig(name, "postgres", host(), port, DATABASE, role, password,
        TargetConfig.UpstreamTls.disabled(), allowPrivilegedBackend);
  }

  /** The data directory (for tests that need to drop server files, e.g. TLS certificates). */
  public Path dataDirectory() {
    return data;
  }

  private Connection connect(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  private void start() throws IOException, InterruptedException, SQLException {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path pwFile = base.resolve("pw");
    Files.writeString(pwFile, ADMIN_PASSWORD + "\n");
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", base.toString()));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-postgres-stop"));
    run(asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", ADMIN_USER,
        "--pwfile=" + pwFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"));
    // Order matters: the first matching line decides, so the per-role methods come before the catch-all.
    String hba = String.join("\n",
        "local all all scram-sha-256",
        "host all " + MD5_ROLE + " 127.0.0.1/32 md5",
        "host all " + CLEARTEXT_ROLE + " 127.0.0.1/32 password",
        "host all " + TRUST_ROLE + " 127.0.0.1/32 trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "");
    Files.writeString(data.resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
    String options = "-p " + port + " -k " + base + " -c listen_addresses=127.0.0.1 -c fsync=off"
        + " -c full_page_writes=off -c synchronous_commit=off";
    run(asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-t", "60",
        "-l", base.resolve("postgres.log").toString(), "-o", options, "start"));
    createRolesAndDatabase();
  }

  private void createRolesAndDatabase() throws SQLException {
    try (Connection c = adminConnection("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE + " OWNER " + ADMIN_USER);
      s.execute("CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD " + literal(APP_ROLE));
      // md5 authentication only happens when the stored verifier is md5 (else PostgreSQL upgrades to SCRAM).
      s.execute("SET password_encryption = 'md5'");
      s.execute("CREATE ROLE " + MD5_ROLE + " LOGIN PASSWORD " + literal(MD5_ROLE));
      s.execute("RESET password_encryption");
      s.execute("CREATE ROLE " + CLEARTEXT_ROLE + " LOGIN PASSWORD " + literal(CLEARTEXT_ROLE));
      s.execute("CREATE ROLE " + TRUST_ROLE + " LOGIN");
      s.execute("CREATE ROLE " + SUPER_ROLE + " LOGIN SUPERUSER PASSWORD " + literal(SUPER_ROLE));
      s.execute("CREATE ROLE gw_bypass_group NOLOGIN BYPASSRLS");
      s.execute("CREATE ROLE gw_middle NOLOGIN IN ROLE gw_bypass_group");
      s.execute("CREATE ROLE " + INHERITS_BYPASS_ROLE + " LOGIN PASSWORD " + literal(INHERITS_BYPASS_ROLE)
          + " IN ROLE gw_middle");
    }
    try (Connection c = adminConnection(DATABASE); Statement s = c.createStatement()) {
      for (String role : BACKEND_ROLES) {
        s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + role);
      }
    }
  }

  private String literal(String role) {
    return "'" + passwords.get(role).reveal().replace("'", "''") + "'";
  }

  private void stop() {
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
      }
      try (Stream<Path> files = Files.walk(base)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.err.println("LocalPostgres: cleanup failed: " + e.getMessage());
    }
  }

  private static List<String> asPostgres(boolean root, String... command) {
    if (!root) {
      return List.of(command);
    }
    return Stream.concat(Stream.of("runuser", "-u", "postgres", "--"), Stream.of(command)).toList();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    // pg_ctl start leaves the postmaster running with inherited pipes only if we asked for them; -l avoids that.
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command.get(0));
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
    }
    return out;
  }

  private static Path findBinDir() throws IOException, InterruptedException {
    String env = System.getenv("PORTCULLIS_PG_BINDIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path debian = Path.of("/usr/lib/postgresql/15/bin");
    if (Files.isExecutable(debian.resolve("initdb"))) {
      return debian;
    }
    return Path.of(run(List.of("pg_config", "--bindir")).trim());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
