package dev.portcullis.pg.it;

import dev.portcullis.testing.LocalPostgres;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * pgbench directly vs through the gateway, in all three query modes. Not part of the normal suite (it takes a
 * minute and measures rather than asserts): {@code mvn test -Dtest=PgbenchComparisonTest -Dportcullis.load=true}.
 */
@Tag("load")
@EnabledIfSystemProperty(named = "portcullis.load", matches = "true")
class PgbenchComparisonTest {
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

  @Test
  void compare() throws Exception {
    try (GatewayFixture gw = GatewayFixture.standard()) {
      run(List.of("pgbench", "-i", "-s", "2", "-h", "127.0.0.1", "-p", "" + gw.postgres.port(), "-U",
          LocalPostgres.TRUST_ROLE, LocalPostgres.DATABASE), Map.of());
      try (java.sql.Connection admin = gw.postgres.adminConnection()) {
        admin.createStatement().execute("grant all on all tables in schema public to " + LocalPostgres.APP_ROLE);
      }
      for (String mode : System.getProperty("pgbench.modes", "simple,extended,prepared").split(",")) {
        for (String script : System.getProperty("pgbench.scripts", "-S,-N").split(",")) {
          double direct = tps(List.of("-h", "127.0.0.1", "-p", "" + gw.postgres.port(), "-U", LocalPostgres.TRUST_ROLE,
              LocalPostgres.DATABASE),
              mode, script, Map.of());
          double through = tps(List.of("-h", "127.0.0.1", "-p", "" + gw.port, "-U", "ci-bot",
              GatewayFixture.TARGET), mode, script, Map.of("PGPASSWORD", GatewayFixture.TOKEN, "PGSSLMODE", "require"));
          System.out.printf("PGBENCH %-9s %s direct %.0f tps, gateway %.0f tps, ratio %.2f%n", mode, script, direct,
              through, through / direct);
        }
      }
    }
  }

  private static double tps(List<String> conn, String mode, String script, Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("pgbench", "-n", script, "-M", mode, "-c", System.getProperty("pgbench.clients", "4"), "-j", "2", "-T", "5", "-r"));
    cmd.addAll(conn);
    String out = run(cmd, env);
    Matcher m = TPS.matcher(out);
    System.out.println(out);
    if (!m.find()) {
      throw new AssertionError(out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String run(List<String> cmd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError(cmd + "\n" + out);
    }
    return out;
  }
}
