package dev.portcullis.ssh.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
      if (!argv.isEmpty() && argv.stream().noneMatch(w -> w.contains("$") || w.contains("`"))) {
        expected.add(String.join("\u001f", argv));
      }
    }
    List<String> ran = runInBash(line);
    // words holding substitutions or variables expand at run time: compare the rest exactly, and count commands
    List<String> comparable = new ArrayList<>();
    for (String argv : ran) {
      if (expected.contains(argv)) {
        comparable.add(argv);
      }
    }
    expected.sort(null);
    comparable.sort(null);
    assertEquals(expected, comparable, () -> line + ": bash ran " + ran);
    long commandsRun = commands.stream().filter(c -> !argv(c).isEmpty()).count();
    assertEquals(commandsRun, ran.size(), () -> line + ": bash ran " + ran + ", we split " + commands);
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
    String handler = "command_not_found_handle() { { for a in \"$@\"; do printf '%s\\037' \"$a\"; done; "
        + "printf '\\036'; } >> " + out + "; return 0; }\n";
    ProcessBuilder pb = new ProcessBuilder(BASH.toString(), "--norc", "--noprofile", "-c", handler + line + "\nwait")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("bash.log").toFile());
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
