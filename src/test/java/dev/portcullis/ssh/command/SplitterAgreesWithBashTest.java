package dev.portcullis.ssh.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential check: the words we split a command line into are the argv bash runs. Bash gets {@code PATH} set to
 * nowhere and a {@code command_not_found_handle} that writes each command's argv to a file, so nothing is run: the
 * lines use only command names that are neither builtins nor keywords ({@code aa}, {@code bb}…). Skipped where bash
 * is not installed.
 */
class SplitterAgreesWithBashTest {
  private static final Path BASH = Path.of("/bin/bash");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "aa 'b c' \"d e\" f\\ g",
      "aa ';' bb; cc \\; && dd",
      "aa \"x\\\"y\" 'it'\"'\"'s' \"a\\\\b\" \"a\\b\" 'a\\b' \\\\",
      "aa & bb | cc |& dd\nee",
      "aa '' \"\" x''y",
      "aa a#b {} @{u} \"{a,b}\" \\{a,b\\} {a\\,b}",
      "aa \"$(bb x)\"y `cc 'z'` $(dd $(ee))",
      "aa >o 2>&1 b <o c >>o d",
      "aa 'multi\nline' \"tab\there\"",
      "aa \"*\" '?' \\[x]",
      "X=1 aa; Y=$(bb) cc",
      "aa \"$(bb \")\")\" && cc",
      "aa 2>o 12 1<o",
      "aa ünïcödé ✓ 'é'",
      "aa \"\\$HOME\" '$HOME' \\$HOME",
      "aa \"a'b\" 'a\"b' \\' \\\" x=$(bb) `cc \\$x`",
      "aa;bb&&cc|dd&ee;",
      "aa \"$$(bb)\" \"$1(cc)\" \"$#(dd)\" $(ee)",
  })
  void wordsMatchWhatBashRuns(String line) throws Exception {
    assumeTrue(Files.isExecutable(BASH), "bash is not installed at " + BASH + ": differential test skipped");
    SplitResult split = CommandLineSplitter.split(line);
    List<SimpleCommand> commands = ((SplitResult.Commands) split).commands();

    List<String> expected = new ArrayList<>();
    for (SimpleCommand c : commands) {
      List<String> argv = argv(c);
      if (runs(c) && argv.stream().noneMatch(w -> w.contains("$") || w.contains("`"))) {
        expected.add(String.join("\u001f", argv));
      }
    }
    List<String> ran = runInBash(line);
    // words holding substitutions or variables expand at run time: compare the rest exactly, and count commands
    List<String> comparable = new ArrayList<>();
    List<String> unmatched = new ArrayList<>(expected);
    for (String argv : ran) {
      if (unmatched.remove(argv)) {
        comparable.add(argv);
      }
    }
    expected.sort(null);
    comparable.sort(null);
    assertEquals(expected, comparable, () -> line + ": bash ran " + ran);
    long sure = commands.stream().filter(SplitterAgreesWithBashTest::runs).count();
    long maybe = commands.stream().filter(c -> !argv(c).isEmpty() && !runs(c)).count();
    assertTrue(ran.size() >= sure && ran.size() <= sure + maybe,
        () -> line + ": bash ran " + ran + ", we split " + commands);
  }

  /**
   * Random lines over a shell-ish alphabet: wherever we accept one, bash runs exactly the commands we split, with
   * the same words. (No '<': a missing input file stops a command before it runs; no '/': redirections stay in the
   * temporary directory; no '$', backticks or '*': expansions change words at run time; no '=': {@code aa''=x} is a
   * command, not an assignment, and this oracle cannot tell them apart once quotes are removed.)
   */
  @org.junit.jupiter.api.Test
  void randomLinesWeAcceptRunAsWeSplitThem() throws Exception {
    assumeTrue(Files.isExecutable(BASH), "bash is not installed at " + BASH + ": differential test skipped");
    String[] alphabet = {"aa", "bb", "x", " ", " ", ";", "&", "&&", "|", "'", "\"", "\\", ">", "2>&1", "\n", "{",
        "}", ",", "(", ")", "#", "''", "\\;", "'a b'", "\"c;d\"", "\t"};
    // -Dsplitter.fuzz.seed / -Dsplitter.fuzz.lines explore further; the defaults keep the suite fast and stable
    java.util.Random random = new java.util.Random(Long.getLong("splitter.fuzz.seed", 20261205));
    int wanted = Integer.getInteger("splitter.fuzz.lines", 150);
    int accepted = 0;
    for (int i = 0; i < wanted * 20 && accepted < wanted; i++) {
      StringBuilder line = new StringBuilder("aa");
      int n = 1 + random.nextInt(10);
      for (int k = 0; k < n; k++) {
        line.append(alphabet[random.nextInt(alphabet.length)]);
      }
      if (line.indexOf("||") >= 0) {
        continue; // every command "succeeds" here, so bash would skip what follows ||: the counts would differ
      }
      if (CommandLineSplitter.split(line.toString()) instanceof SplitResult.Commands commands) {
        if (line.indexOf("&&") >= 0 && !commands.commands().stream().allMatch(SplitterAgreesWithBashTest::runs)) {
          continue; // a command that fails at run time (a bad redirection) stops what follows &&
        }
        accepted++;
        wordsMatchWhatBashRuns(line.toString());
      }
    }
    assertTrue(accepted >= 100, "only " + accepted + " random lines were accepted");
  }

  /**
   * Whether bash surely gets as far as looking the command up: it has a name, and no redirection may fail first
   * (one to "", or a descriptor duplication such as {@code 2>&x} whose target is no descriptor: bash runs some of
   * those as file redirections and fails on others, so they count as "maybe").
   */
  private static boolean runs(SimpleCommand c) {
    return !argv(c).isEmpty() && c.redirections().stream().noneMatch(r -> r.target().isEmpty()
        || r.operator().matches("[0-9]*[<>]&") && !r.target().matches("[012]|-"));
  }

  /** The words bash passes as argv: leading assignments are not part of it. */
  private static List<String> argv(SimpleCommand c) {
    int i = 0;
    while (i < c.words().size() && c.words().get(i).matches("(?s)[A-Za-z_][A-Za-z0-9_]*=.*")) {
      i++;
    }
    return c.words().subList(i, c.words().size());
  }

  private List<String> runInBash(String line) throws Exception {
    Path out = dir.resolve("argv.out");
    Files.deleteIfExists(out);
    // one write per command, so the commands of a pipeline (which run at once) cannot interleave their records
    String handler = "command_not_found_handle() { local r=; for a in \"$@\"; do r+=\"$a\"$'\\037'; done; "
        + "printf '%s\\036' \"$r\" >> " + out + "; return 0; }\n";
    // a fresh, empty working directory: redirections land there, and an unquoted * matches nothing (stays literal)
    Path cwd = Files.createTempDirectory(dir, "run");
    ProcessBuilder pb = new ProcessBuilder(BASH.toString(), "--norc", "--noprofile", "-c", handler + line + "\nwait")
        .directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("bash.log").toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/nonexistent");
    Process p = pb.start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bash did not finish");
    }
    if (!Files.exists(out)) {
      return List.of();
    }
    List<String> ran = new ArrayList<>();
    for (String record : Files.readString(out, StandardCharsets.UTF_8).split("\u001e")) {
      if (!record.isEmpty()) {
        ran.add(record.endsWith("\u001f") ? record.substring(0, record.length() - 1) : record);
      }
    }
    return Arrays.asList(ran.toArray(String[]::new));
  }
}
