package dev.portcullis.ssh.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CommandGlobTest {
  private static SimpleCommand only(String line) {
    var commands = ((SplitResult.Commands) CommandLineSplitter.split(line)).commands();
    if (commands.size() != 1) {
      throw new AssertionError(line + " → " + commands);
    }
    return commands.get(0);
  }

  private static boolean allows(String glob, String line) {
    return new CommandGlob(glob).matches(only(line), false);
  }

  @Test
  void starAndQuestionMark() {
    assertTrue(allows("git status", "git status"));
    assertTrue(allows("git status", "git   status"));
    assertTrue(allows("git status", "'git' \"status\""));
    assertFalse(allows("git status", "git status -s"));
    assertTrue(allows("ls *", "ls -la /tmp"));
    assertTrue(allows("ls *", "ls ''"));
    assertFalse(allows("ls *", "ls "));
    assertFalse(allows("ls *", "ls"));
    assertTrue(allows("ls*", "ls"));
    assertTrue(allows("cat ?.txt", "cat a.txt"));
    assertFalse(allows("cat ?.txt", "cat ab.txt"));
    assertTrue(allows("*", "anything at all"));
    assertTrue(allows("git * --oneline", "git log -n 3 --oneline"));
    assertFalse(allows("git * --oneline", "git log --oneline -p"));
  }

  @Test
  void exactCaseUnlessAsked() {
    assertFalse(allows("git status", "GIT status"));
    assertTrue(new CommandGlob("rm *").matches(only("RM -rf /"), true));
    assertTrue(new CommandGlob("sftp").matches("SFTP", true));
    assertFalse(new CommandGlob("sftp").matches("SFTP", false));
  }

  @Test
  void wildcardsNeverCoverARedirection() {
    assertFalse(allows("ls *", "ls > /etc/passwd"));
    assertFalse(allows("ls *", "ls >/etc/passwd"));
    assertFalse(allows("ls *", ">/etc/passwd ls"));
    assertFalse(allows("cat *", "cat </dev/tcp/evil/80"));
    assertFalse(allows("*", "ls >x"));
    assertFalse(allows("make *", "make all 2>&1"));
    assertFalse(allows("ls ?x", "ls >x"));
    assertTrue(allows("ls * >/tmp/*", "ls -l > /tmp/out"));
    assertTrue(allows("ls >*", "ls > /etc/passwd"));
    assertTrue(allows("make * 2>&1", "make all 2>&1"));
    assertTrue(allows("make all 2>&?", "make all 2>&1"));
    assertFalse(allows("make all >*", "make all 2>x"));
    assertFalse(allows("ls * >/tmp/*", "ls >/tmp/a >/etc/passwd"));
    assertTrue(allows("ls * >/tmp/* >/tmp/*", "ls x >/tmp/a >/tmp/b"));
    // a quoted '>' is an argument, not a redirection
    assertTrue(allows("echo *", "echo '>' x"));
  }

  @Test
  void substitutionsStayInTheOuterText() {
    var commands = ((SplitResult.Commands) CommandLineSplitter.split("echo $(rm -rf /)")).commands();
    assertTrue(new CommandGlob("echo *").matches(commands.get(0), false));
    assertFalse(new CommandGlob("echo *").matches(commands.get(1), false));
    assertFalse(new CommandGlob("echo hi").matches(
        ((SplitResult.Commands) CommandLineSplitter.split("echo $(echo hi)")).commands().get(0), false));
  }

  @Test
  void plainTextForSubsystemsAndForwards() {
    assertTrue(new CommandGlob("db.internal:5432").matches("db.internal:5432", false));
    assertTrue(new CommandGlob("*.internal:*").matches("db.internal:5432", false));
    assertFalse(new CommandGlob("*.internal:5432").matches("db.internal:22", false));
  }

  @Test
  void hostileGlobAndTextEndQuickly() {
    String text = "a".repeat(30_000) + "b";
    long start = System.nanoTime();
    assertFalse(CommandGlob.match("*a*a*a*a*a*a*a*a*a*a*a*a*c", text, null, false));
    assertTrue(CommandGlob.match("*a*a*a*a*a*a*a*a*a*a*a*a*b", text, null, false));
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void bothAlgorithmsAgreeWithoutProtectedCharacters() {
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 20_000; i++) {
      String p = randomText(random, "ab*?", 6);
      String s = randomText(random, "ab*", 8);
      assertTrue(CommandGlob.matchPlain(p, s, false) == CommandGlob.match(p, s, null, false), p + " vs " + s);
      assertTrue(CommandGlob.matchPlain(p, s, false) == regex(p, s), p + " vs " + s);
    }
  }

  @Test
  void protectedCharactersAreMatchedOnlyByLiterals() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      String p = randomText(random, "ab>*?", 6);
      String s = randomText(random, "ab>", 8);
      boolean[] marks = new boolean[s.length()];
      for (int k = 0; k < marks.length; k++) {
        marks[k] = s.charAt(k) == '>' && random.nextBoolean();
      }
      assertTrue(CommandGlob.match(p, s, marks, false) == reference(p, 0, s, 0, marks),
          p + " vs " + s + " " + java.util.Arrays.toString(marks));
    }
  }

  /** Obviously correct (exponential) reference: a star takes 0..n unprotected characters. */
  private static boolean reference(String p, int pi, String s, int si, boolean[] marks) {
    if (pi == p.length()) {
      return si == s.length();
    }
    char c = p.charAt(pi);
    if (c == '*') {
      for (int k = si; ; k++) {
        if (reference(p, pi + 1, s, k, marks)) {
          return true;
        }
        if (k == s.length() || marks[k]) {
          return false;
        }
      }
    }
    if (si == s.length()) {
      return false;
    }
    boolean ok = c == '?' ? !marks[si] : c == s.charAt(si);
    return ok && reference(p, pi + 1, s, si + 1, marks);
  }

  @Test
  void aStarFacingAStarIsStillAStar() {
    assertTrue(CommandGlob.matchPlain("*a", "*ba", false));
    assertTrue(new CommandGlob("rm *").matches(only("rm '*x' y"), true));
  }

  private static boolean regex(String glob, String text) {
    StringBuilder r = new StringBuilder();
    for (char c : glob.toCharArray()) {
      r.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
    }
    return text.matches(r.toString());
  }

  private static String randomText(java.util.Random random, String alphabet, int maxLength) {
    StringBuilder out = new StringBuilder();
    int n = random.nextInt(maxLength + 1);
    for (int i = 0; i < n; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
