package dev.portcullis.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a refused statement could have changed, as one comparable value: the content of every table, the
 * relations, columns, grants and sequences of the database, the cluster's roles, and files a COPY could write.
 */
record DatabaseState(List<String> facts) {
  static DatabaseState of(Connection admin) throws SQLException {
    List<String> facts = new ArrayList<>();
    try (Statement s = admin.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
              + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String table : tables) {
        facts.add(table + " = " + one(s, "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
            + table + " t"));
      }
      facts.add("relations = " + one(s, "SELECT string_agg(n.nspname || '.' || c.relname || ':' || c.relkind::text, ',' "
          + "ORDER BY 1) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"));
      facts.add("columns = " + one(s, "SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' "
          + "ORDER BY table_name, column_name) FROM information_schema.columns WHERE table_schema = 'public'"));
      facts.add("grants = " + one(s, "SELECT string_agg(grantee || ':' || privilege_type || ':' || table_name, ',' "
          + "ORDER BY 1) FROM information_schema.role_table_grants WHERE table_schema = 'public'"));
      facts.add("sequence = " + one(s, "SELECT last_value || ':' || is_called FROM items_id_seq"));
      facts.add("functions = " + one(s, "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
          + "WHERE n.nspname = 'public'"));
      facts.add("roles = " + one(s, "SELECT string_agg(rolname || ':' || rolsuper::text, ',' ORDER BY rolname) FROM pg_roles"));
      facts.add("prepared xacts = " + one(s, "SELECT count(*) FROM pg_prepared_xacts"));
    }
    facts.add("copy file exists = " + Files.exists(Path.of("/tmp/portcullis-e2e-items")));
    return new DatabaseState(facts);
  }

  private static String one(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
