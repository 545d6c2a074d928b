package dev.portcullis.ssh.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineSplitterTest {
  /** The normalized text of each simple command, in order. */
  private static List<String> parts(String line) {
    SplitResult r = CommandLineSplitter.split(line);
    if (r instanceof SplitResult.Refused refused) {
      throw new AssertionError("refused " + line + ": " + refused.reason());
    }
    return ((SplitResult.Commands) r).commands().stream().map(SimpleCommand::normalized).toList();
  }

  private static List<SimpleCommand> commands(String line) {
    return assertInstanceOf(SplitResult.Commands.class, CommandLineSplitter.split(line)).commands();
  }

  private static String refused(String line) {
    SplitResult r = CommandLineSplitter.split(line);
    return assertInstanceOf(SplitResult.Refused.class, r, () -> line + " was split: " + r).reason();
  }

  private static void assertRefused(String line, String reasonPart) {
    String reason = refused(line);
    assertTrue(reason.contains(reasonPart), line + " → " + reason);
  }

  @Test
  void splitsOnEveryOperator() {
    assertEquals(List.of("git status", "rm -rf /"), parts("git status; rm -rf /"));
    assertEquals(List.of("ls", "curl x", "sh"), parts("ls && curl x | sh"));
    assertEquals(List.of("a", "b", "c", "d", "e", "f"), parts("a || b & c |& d\ne;f;"));
    assertEquals(List.of("a", "b"), parts("a&b&"));
    assertEquals(List.of("ls", "rm -rf /"), parts("ls\nrm -rf /"));
    assertEquals(List.of("a", "b"), parts("\n\n  a &&\n\n b\n"));
  }

  @Test
  void quotedAndEscapedOperatorsDoNotSplit() {
    assertEquals(List.of("echo ;"), parts("echo ';'"));
    assertEquals(List.of("echo ;"), parts("echo \";\""));
    assertEquals(List.of("echo ;"), parts("echo \\;"));
    assertEquals(List.of("find . -name *.tmp -exec rm {} ;"), parts("find . -name '*.tmp' -exec rm {} \\;"));
    assertEquals(List.of("echo a && b | c"), parts("echo 'a && b | c'"));
    assertEquals(List.of("echo a\nb"), parts("echo 'a\nb'"));
  }

  @Test
  void quotesAreRemovedSoTheyCannotDisguiseAName() {
    assertEquals(List.of("rm -rf /"), parts("r''m -rf /"));
    assertEquals(List.of("rm -rf /"), parts("\"r\"m -rf '/'"));
    assertEquals(List.of("rm -rf /"), parts("\\r\\m -rf /"));
    assertEquals(List.of("git commit -m fix the bug"), parts("git commit -m \"fix the bug\""));
    assertEquals(List.of("ls "), parts("ls ''"));
  }

  @Test
  void doubleQuotesEscapeOnlyDollarBacktickQuoteAndBackslash() {
    assertEquals(List.of("echo $ ` \" \\ \\n \\a"), parts("echo \"\\$ \\` \\\" \\\\ \\n \\a\""));
    assertEquals(List.of("echo it's"), parts("echo \"it's\""));
    assertEquals(List.of("echo \\"), parts("echo '\\'"));
  }

  @Test
  void commandSubstitutionsAreSplitRecursively() {
    assertEquals(List.of("echo $(rm -rf /)", "rm -rf /"), parts("echo $(rm -rf /)"));
    assertEquals(List.of("echo `rm -rf /`", "rm -rf /"), parts("echo `rm -rf /`"));
    assertEquals(List.of("echo $(a; b | c)", "a", "b", "c"), parts("echo \"$(a; b | c)\""));
    assertEquals(List.of("x $(a $(b))", "a $(b)", "b"), parts("x $(a $(b))"));
    assertEquals(List.of("echo $(echo \")\")", "echo )"), parts("echo \"$(echo \")\")\""));
    assertEquals(List.of("echo `echo \\$HOME`", "echo $HOME"), parts("echo `echo \\$HOME`"));
    assertEquals(List.of("echo `echo \\\\\\\\`", "echo \\"), parts("echo `echo \\\\\\\\`"));
    assertEquals(List.of("echo $()"), parts("echo $()"));
    assertEquals(List.of("cat >$(mktemp)", "mktemp"), parts("cat > $(mktemp)"));
    List<SimpleCommand> c = commands("ls $(id -u) && w");
    assertEquals(0, c.get(0).depth());
    assertEquals(1, c.get(1).depth());
    assertTrue(c.get(1).inSubstitution());
    assertEquals("id -u", c.get(1).text());
    assertEquals("ls $(id -u)", c.get(0).text());
  }

  @Test
  void variablesStayLiteralText() {
    assertEquals(List.of("echo $HOME ${USER} $1 $? $$ x$", "X=1", "X=2 git status"),
        parts("echo $HOME ${USER} $1 $? $$ x$; X=1; X=2 git status"));
    assertEquals(List.of("echo $HOME"), parts("echo \"$HOME\""));
    // a special parameter takes one character: "$$(x)" is the PID and literal text, as bash reads it
    assertEquals(List.of("echo $$(x) $1(y)"), parts("echo \"$$(x) $1(y)\""));
    assertRefused("echo $$(x)", "subshells");
    assertEquals(List.of("echo $x"), parts("echo \"$\"\"x\""));
  }

  @Test
  void redirectionsMoveAfterTheWordsWithoutSpace() {
    assertEquals(List.of("ls >/etc/passwd"), parts("ls > /etc/passwd"));
    assertEquals(List.of("ls >/etc/passwd"), parts("ls>/etc/passwd"));
    assertEquals(List.of("ls -l >x"), parts(">x ls -l"));
    assertEquals(List.of("make 2>&1 >>log"), parts("make 2>&1 >> log"));
    assertEquals(List.of("cat </dev/tcp/h/80"), parts("cat < /dev/tcp/h/80"));
    assertEquals(List.of("x &>o &>>p <>q >|r <&0 >&-"), parts("x &>o &>>p <>q >|r <&0 >&-"));
    assertEquals(List.of("echo a2 >f"), parts("echo a2>f"));
    assertEquals(List.of("echo 2 >f"), parts("echo 2 >f"));
    assertEquals(List.of(">f"), parts(">f"));
    SimpleCommand c = commands("ls 2>/dev/null x").get(0);
    assertEquals(List.of("ls", "x"), c.words());
    assertEquals(List.of(new Redirection("2>", "/dev/null")), c.redirections());
  }

  @Test
  void keepsTheOriginalText() {
    List<SimpleCommand> c = commands("git  status  ;  ls 'a  b'");
    assertEquals("git  status", c.get(0).text());
    assertEquals("ls 'a  b'", c.get(1).text());
    assertEquals(List.of("ls", "a  b"), c.get(1).words());
  }

  @Test
  void everyOtherShellConstructIsRefused() {
    assertRefused("echo 'unbalanced", "unterminated single quote");
    assertRefused("echo \"unbalanced", "unterminated double quote");
    assertRefused("echo `x", "unterminated backtick");
    assertRefused("echo $(x", "unterminated command substitution");
    assertRefused("echo $(x; y", "unterminated command substitution");
    assertRefused("echo $((1+2))", "arithmetic");
    assertRefused("echo $[1+2]", "arithmetic");
    assertRefused("diff <(ls a) <(ls b)", "process substitution");
    assertRefused("tee >(sh)", "process substitution");
    assertRefused("(rm -rf /)", "subshells");
    assertRefused("ls; (rm -rf /)", "subshells");
    assertRefused("echo a(b", "subshells");
    assertRefused("$( (rm) )", "subshells");
    assertRefused("f() { rm -rf /; }; f", "subshells");
    assertRefused("{ rm -rf /; }", "'{'");
    assertRefused("if true; then rm -rf /; fi", "'if'");
    assertRefused("while true; do x; done", "'while'");
    assertRefused("for f in *; do rm $f; done", "'for'");
    assertRefused("case x in a) rm;; esac", "'case'");
    assertRefused("! rm -rf /", "'!'");
    assertRefused("time rm -rf /", "'time'");
    assertRefused("[[ -f x ]] && rm x", "'[['");
    assertRefused("cat <<EOF\nrm\nEOF", "here-documents");
    assertRefused("cat <<< hi", "here-documents");
    assertRefused("ls # ; rm -rf /", "comments");
    assertRefused("ls \\\n-l", "backslash-newline");
    assertRefused("echo \"a\\\nb\"", "backslash-newline");
    assertRefused("ls \\", "backslash at the end");
    assertRefused("echo `echo \\`rm\\``", "nested backticks");
    assertRefused("echo \"`echo \\\"x\\\"`\"", "inside double quotes");
    assertRefused("echo ${X:-$(rm -rf /)}", "parameter expansion with operators");
    assertRefused("echo ${#X}", "parameter expansion with operators");
    assertRefused("echo ${X", "unterminated ${");
    assertRefused("echo $'\\x72m'", "bash quoting");
    assertRefused("echo $\"x\"", "bash quoting");
    assertRefused("{rm,-rf,/}", "brace expansion");
    assertRefused("git push {--force,}", "brace expansion");
    assertRefused("touch f{1..3}", "brace expansion");
    assertRefused("; ls", "';' without a command before it");
    assertRefused("ls ;; ls", "case syntax");
    assertRefused("ls && ", "has no command after it");
    assertRefused("ls |", "has no command after it");
    assertRefused("&& ls", "without a command before it");
    assertRefused("ls & ; ls", "without a command before it");
    assertRefused("echo $(ls &&)", "before ')' has no command after it");
    assertRefused("ls )", "unbalanced ')'");
    assertRefused("ls >", "has no target");
    assertRefused("ls > ; x", "has no target");
    assertRefused("ls 2>&", "has no target");
    assertRefused("ls > 2>&1", "has no target");
    assertEquals(List.of("ls >2x"), parts("ls > 2x"));
    assertRefused("", "empty command line");
    assertRefused("  \n\t ", "empty command line");
    assertRefused("ls\0", "NUL byte");
    assertRefused("ls\r", "control character U+000D");
    assertRefused("ls \u001b[2J", "control character U+001B");
    assertRefused("ls \u202Eevil", "bidirectional");
    assertRefused("ls \uD800", "unpaired surrogate");
  }

  @Test
  void bracesThatAreNotExpansionsStay() {
    assertEquals(List.of("git log @{u}..HEAD"), parts("git log @{u}..HEAD"));
    assertEquals(List.of("find . -exec echo {} ;"), parts("find . -exec echo {} \\;"));
    assertEquals(List.of("echo {a,b}"), parts("echo '{a,b}'"));
    assertEquals(List.of("echo {a,b}"), parts("echo \\{a,b}"));
    assertEquals(List.of("echo ${A},${B}"), parts("echo ${A},${B}"));
    assertEquals(List.of("if x"), parts("'if' x"));
  }

  @Test
  void limitsAreEnforced() {
    assertRefused("x".repeat(CommandLineSplitter.MAX_LENGTH + 1), "longer than");
    assertEquals(1, parts("x".repeat(CommandLineSplitter.MAX_LENGTH)).size());
    assertRefused("a;".repeat(CommandLineSplitter.MAX_COMMANDS + 1), "more than");
    assertEquals(CommandLineSplitter.MAX_COMMANDS, parts("a;".repeat(CommandLineSplitter.MAX_COMMANDS)).size());
    String nested = "x";
    for (int i = 0; i < CommandLineSplitter.MAX_DEPTH; i++) {
      nested = "echo $(" + nested + ")";
    }
    assertEquals(CommandLineSplitter.MAX_DEPTH + 1, parts(nested).size());
    assertRefused("echo $(" + nested + ")", "nested deeper");
    assertRefused("$(".repeat(10_000), "nested deeper");
    assertRefused("`echo \\`".repeat(100), "nested backticks");
  }

  @Test
  void hostileInputEndsQuickly() {
    long start = System.nanoTime();
    for (String s : List.of("'".repeat(30_000), "\"".repeat(30_000), "{,".repeat(15_000) + "}", "$".repeat(30_000),
        "a ".repeat(16_000), "\\;".repeat(16_000), "${".repeat(10_000))) {
      CommandLineSplitter.split(s);
    }
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "hostile inputs took too long");
  }

  @ParameterizedTest
  @ValueSource(strings = {"git status", "ls -la /tmp", "grep -r \"TODO\" src | wc -l", "cat a.txt b.txt > c.txt",
      "tar czf - dir | ssh-keygen -l", "scp -t /tmp", "rsync --server -vlogDtpre.iLsfxC . /tmp/x",
      "echo \"héllo wörld ✓\"", "git log --format='%h %s' -n 5", "kubectl get pods -o jsonpath='{.items[*].name}'"})
  void everydayCommandsAreFollowed(String line) {
    assertTrue(CommandLineSplitter.split(line) instanceof SplitResult.Commands, line);
  }
}
