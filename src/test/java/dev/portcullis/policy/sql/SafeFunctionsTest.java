package dev.portcullis.policy.sql;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFunctionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"lower", "upper", "length", "substring", "concat", "format", "to_char", "to_number",
      "to_date", "now", "pg_catalog.now", "date_trunc", "extract", "abs", "round", "sqrt", "count", "sum", "avg",
      "max", "string_agg", "array_agg", "jsonb_build_object", "json_agg", "jsonb_path_query", "unnest",
      "array_length", "row_number", "rank", "lag", "coalesce", "nullif", "greatest", "least", "current_setting",
      "random", "gen_random_uuid", "generate_series", "md5", "regexp_replace", "pg_typeof",
      "pg_catalog.pg_table_is_visible", "pg_get_userbyid", "format_type"})
  void sideEffectFreeBuiltinsAreSafe(String name) {
    assertTrue(SafeFunctions.isSafe(name), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import",
      "lo_export", "lo_get", "loread", "dblink", "dblink_exec", "set_config", "query_to_xml", "table_to_xml",
      "cursor_to_xml", "database_to_xml", "schema_to_xml", "query_to_xml_and_xmlschema", "nextval", "setval",
      "currval", "pg_sleep", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_advisory_lock",
      "pg_try_advisory_lock", "txid_current", "pg_notify", "ts_stat", "ts_rewrite", "pg_stat_get_activity",
      "my_function", "public.lower", "pg_catalog.pg_read_file", "", "LOWER"})
  void dangerousOrUnknownFunctionsAreNot(String name) {
    assertFalse(SafeFunctions.isSafe(name), name);
  }
}
