package dev.portcullis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class LocalPostgresTest {
  private final LocalPostgres pg = LocalPostgres.get();

  @Test
  void appRoleIsOrdinaryAndUsesScram() throws SQLException {
    try (Connection c = pg.connectAs(LocalPostgres.APP_ROLE); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT rolsuper, rolbypassrls, current_database() FROM pg_roles"
             + " WHERE rolname = current_user")) {
      assertTrue(rs.next());
      assertEquals(false, rs.getBoolean(1));
      assertEquals(false, rs.getBoolean(2));
      assertEquals(LocalPostgres.DATABASE, rs.getString(3));
    }
    try (Connection c = pg.adminConnection(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT rolname, left(rolpassword, 14) FROM pg_authid"
             + " WHERE rolname IN ('gw_app', 'gw_md5') ORDER BY 1")) {
      assertTrue(rs.next());
      assertEquals("SCRAM-SHA-256$", rs.getString(2));
      assertTrue(rs.next());
      assertTrue(rs.getString(2).startsWith("md5"));
    }
  }

  @Test
  void wrongPasswordIsRejected() {
    SQLException e = assertThrows(SQLException.class,
        () -> java.sql.DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.APP_ROLE, "wrong").close());
    assertEquals("28P01", e.getSQLState());
  }

  @Test
  void trustRoleNeedsNoPassword() throws SQLException {
    try (Connection c = pg.connectAs(LocalPostgres.TRUST_ROLE)) {
      assertTrue(c.isValid(2));
    }
  }
}
