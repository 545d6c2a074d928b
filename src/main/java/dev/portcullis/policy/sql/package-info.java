/**
 * SQL analysis for policy decisions: {@link dev.portcullis.policy.sql.PostgresSqlAnalyzer} implements
 * {@link dev.portcullis.policy.sql.SqlAnalyzer}.
 *
 * <h2>Pipeline</h2>
 * <ol>
 *   <li>{@code split}: {@code PgLexer} (PostgreSQL 15 lexing, standard_conforming_strings on, UTF8) cuts the
 *       message at every {@code ;} outside quotes, comments and dollar bodies — also inside parentheses, so a
 *       {@code CREATE RULE … (a; b)} is judged piece by piece, never more leniently than the server runs it — and
 *       fingerprints each statement in the same pass (about 2 µs for a 200-character SELECT).</li>
 *   <li>{@code analyze}: bounds first (length, parenthesis depth, CASE depth, operator chains), then
 *       {@code StatementClassifier} reads the first keywords. Queries and DML are rendered by {@code Neutralizer}
 *       and parsed by JSqlParser 5.3 on a shared bounded pool with a timeout ({@code QueryParser}), walked by
 *       {@code RelationCollector}/{@code ExpressionWalker}, and cross-checked against the tokens (every SELECT,
 *       TABLE and INTO accounted for; every {@code name(} a reported call or grammar — {@code TokenCrossCheck}). Any
 *       mismatch, parse failure or unknown statement is {@code unsupported}: denied.</li>
 * </ol>
 *
 * <h2>Classification (design-notes §3)</h2>
 * <table>
 *   <caption>Statement → kinds</caption>
 *   <tr><td>SELECT, VALUES, TABLE, WITH … SELECT</td><td>select (+ the kinds of data-modifying CTEs)</td></tr>
 *   <tr><td>SELECT … FOR UPDATE/SHARE/NO KEY UPDATE/KEY SHARE</td><td>select, update</td></tr>
 *   <tr><td>SELECT … INTO t, CREATE TABLE t AS, CREATE MATERIALIZED VIEW AS</td><td>ddl, insert, select; t in
 *       tables</td></tr>
 *   <tr><td>CREATE VIEW v AS q</td><td>ddl, select; v and q's tables</td></tr>
 *   <tr><td>INSERT (… ON CONFLICT DO UPDATE)</td><td>insert (, update)</td></tr>
 *   <tr><td>UPDATE, DELETE, MERGE</td><td>update, delete, merge; every table read counts</td></tr>
 *   <tr><td>EXPLAIN [ANALYZE] [VERBOSE] | (options) s</td><td>explain + s's kinds (options stay in the
 *       fingerprint)</td></tr>
 *   <tr><td>PREPARE n AS s</td><td>prepare + s's kinds; preparedName n</td></tr>
 *   <tr><td>EXECUTE n (args), DEALLOCATE</td><td>prepare; executeName n (the engine judges the prepared text);
 *       args' functions</td></tr>
 *   <tr><td>COPY t|(q) TO STDOUT</td><td>copy, select (+ q's kinds)</td></tr>
 *   <tr><td>COPY t FROM STDIN</td><td>copy, insert</td></tr>
 *   <tr><td>COPY … PROGRAM, COPY to/from a server file, COPY … WHERE</td><td>unsupported</td></tr>
 *   <tr><td>SET/RESET (LOCAL/SESSION), SET ROLE, SET SESSION AUTHORIZATION, SET NAMES, SET TIME ZONE,
 *       SET SCHEMA</td><td>set; setting = role, session_authorization, client_encoding, timezone, search_path,
 *       or the parameter name lower case (all for RESET ALL)</td></tr>
 *   <tr><td>SHOW</td><td>show</td></tr>
 *   <tr><td>BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK [TO], ABORT, SAVEPOINT, RELEASE, SET TRANSACTION,
 *       SET SESSION CHARACTERISTICS</td><td>transaction</td></tr>
 *   <tr><td>PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED</td><td>utility</td></tr>
 *   <tr><td>TRUNCATE</td><td>ddl, delete; its tables</td></tr>
 *   <tr><td>LISTEN, UNLISTEN, NOTIFY, FETCH, MOVE, CLOSE, CHECKPOINT, DISCARD, LOAD, REINDEX, CLUSTER</td>
 *       <td>utility</td></tr>
 *   <tr><td>VACUUM, ANALYZE, LOCK</td><td>utility; their tables</td></tr>
 *   <tr><td>DECLARE c CURSOR FOR q</td><td>utility + q's kinds</td></tr>
 *   <tr><td>GRANT, REVOKE, REASSIGN OWNED, DROP OWNED, CREATE/ALTER/DROP ROLE|USER|GROUP, ALTER DEFAULT
 *       PRIVILEGES</td><td>dcl</td></tr>
 *   <tr><td>other CREATE/ALTER/DROP, COMMENT ON, SECURITY LABEL, IMPORT FOREIGN SCHEMA</td><td>ddl (tables for
 *       TABLE/VIEW/SEQUENCE/INDEX/TRIGGER/POLICY/RULE)</td></tr>
 *   <tr><td>REFRESH MATERIALIZED VIEW</td><td>ddl, insert; the view</td></tr>
 *   <tr><td>CALL p(args)</td><td>call; p and the args' functions</td></tr>
 *   <tr><td>DO, ALTER SYSTEM, BEGIN ATOMIC bodies, anything else</td><td>unsupported</td></tr>
 * </table>
 *
 * <p>Names: relations resolve as PostgreSQL does with {@code search_path = "$user", public} (pg_catalog first,
 * from the shipped PostgreSQL 15 list), identifiers truncated to 63 bytes as the server does. Functions are
 * reported as written (lower case unless quoted); {@link dev.portcullis.policy.sql.SafeFunctions} is the
 * built-in allow-list.
 */
package dev.portcullis.policy.sql;
