package dev.portcullis.ssh.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits an SSH exec command line (what {@code ssh host CMD} sends, run by the target's shell with {@code -c}) into
 * its simple commands, following POSIX shell quoting, so that a policy can judge each of them. See the package
 * documentation for what is followed, what is refused, and why.
 *
 * <p>Fail closed: whatever this class cannot follow with certainty is {@link SplitResult.Refused refused}, never
 * guessed. Pure and linear in the input (bounded by {@link #MAX_LENGTH}, {@link #MAX_DEPTH} and
 * {@link #MAX_COMMANDS}), so it may run on an event loop.
 */
public final class CommandLineSplitter {
  /** Longer command lines are refused (an agent with a longer script should copy it and run the file). */
  public static final int MAX_LENGTH = 32 * 1024;
  /** Command substitutions nested deeper than this are refused (bounds the recursion). */
  public static final int MAX_DEPTH = 8;
  /** Command lines with more simple commands than this are refused. */
  public static final int MAX_COMMANDS = 256;

  /**
   * Reserved words that open compound commands (or change how the next command runs) when they stand unquoted as
   * a command's first word. Their bodies are full command lists this splitter does not follow, and treating
   * {@code if rm -rf /} as a command named {@code if} would let it slip past a deny glob {@code rm *}.
   */
  static final Set<String> RESERVED = Set.of("if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
      "while", "until", "for", "in", "function", "select", "time", "coproc", "{", "}", "!", "[[", "]]");

  private CommandLineSplitter() {}

  public static SplitResult split(String line) {
    if (line == null) {
      return new SplitResult.Refused("no command line");
    }
    if (line.length() > MAX_LENGTH) {
      return new SplitResult.Refused("command line longer than " + MAX_LENGTH + " characters");
    }
    String bad = badCharacter(line);
    if (bad != null) {
      return new SplitResult.Refused(bad);
    }
    List<SimpleCommand> slots = new ArrayList<>();
    try {
      new Parser(line, slots, 0).parseList(false);
    } catch (Refusal r) {
      return new SplitResult.Refused(r.getMessage());
    }
    if (slots.isEmpty()) {
      return new SplitResult.Refused("empty command line");
    }
    return new SplitResult.Commands(slots);
  }

  /**
   * NUL cannot reach a shell intact (C strings end there), other control characters and bidirectional-text
   * controls make the text that audit logs and approvers see differ from what runs; an unpaired surrogate is not
   * text at all. None has a legitimate use in a command an agent sends.
   */
  private static String badCharacter(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\t' || c == '\n') {
        continue;
      }
      if (c == 0) {
        return "NUL byte in command line";
      }
      if (Character.getType(c) == Character.CONTROL) {
        return "control character U+" + String.format("%04X", (int) c) + " in command line";
      }
      if (c == '\u200E' || c == '\u200F' || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069') {
        return "bidirectional text control U+" + String.format("%04X", (int) c) + " in command line";
      }
      if (Character.isHighSurrogate(c) && i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "invalid text (unpaired surrogate) in command line";
      }
    }
    return null;
  }

  /** Thrown inside the parser; becomes {@link SplitResult.Refused}. No stack trace: it is an answer, not a bug. */
  private static final class Refusal extends RuntimeException {
    Refusal(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Recursive-descent over one text: the top-level command line, or the unescaped body of a backtick
   * substitution. {@code $(…)} is parsed in place by the same parser one level deeper.
   */
  private static final class Parser {
    private final String src;
    /** Simple commands in the order they start; a slot is reserved at the start and filled at the end. */
    private final List<SimpleCommand> slots;
    private int depth;
    private int pos;

    Parser(String src, List<SimpleCommand> slots, int depth) {
      this.src = src;
      this.slots = slots;
      this.depth = depth;
    }

    /**
     * A list of pipelines separated by {@code ; & && || | |&} and newlines, up to the end of the text or, inside
     * {@code $(}, up to and including its closing parenthesis.
     */
    void parseList(boolean inSubstitution) {
      String pending = null; // an operator (&& || | |&) that still needs a command after it
      while (true) {
        skipBlanks();
        if (pos >= src.length()) {
          if (inSubstitution) {
            throw new Refusal("unterminated command substitution $(…)");
          }
          if (pending != null) {
            throw new Refusal("'" + pending + "' at the end has no command after it");
          }
          return;
        }
        char c = src.charAt(pos);
        if (c == '\n') {
          pos++; // a blank line, or a newline after && || | (allowed by POSIX)
          continue;
        }
        if (c == ')') {
          if (!inSubstitution) {
            throw new Refusal("unbalanced ')'");
          }
          if (pending != null) {
            throw new Refusal("'" + pending + "' before ')' has no command after it");
          }
          pos++;
          return;
        }
        if (c == ';' || c == '&' || c == '|') {
          throw new Refusal("'" + operatorAt(pos) + "' without a command before it");
        }
        parseSimpleCommand();
        pending = null;
        skipBlanks();
        if (pos >= src.length()) {
          continue;
        }
        c = src.charAt(pos);
        char next = pos + 1 < src.length() ? src.charAt(pos + 1) : 0;
        if (c == ';') {
          if (next == ';' || next == '&') {
            throw new Refusal("'" + c + next + "' (case syntax) is not followed");
          }
          pos++;
        } else if (c == '&') {
          if (next == '&') {
            pending = "&&";
            pos += 2;
          } else {
            pos++; // background: the next command is judged like any other
          }
        } else if (c == '|') {
          pending = next == '|' ? "||" : next == '&' ? "|&" : "|";
          pos += pending.length();
        } else if (c == '\n') {
          pos++;
        } else if (c != ')') {
          throw new Refusal("unexpected '" + c + "'");
        }
      }
    }

    private String operatorAt(int at) {
      int end = at + 1;
      if (end < src.length() && "&|;".indexOf(src.charAt(end)) >= 0) {
        end++;
      }
      return src.substring(at, end);
    }

    /** Words and redirections up to an operator, a newline, {@code )} or the end. Starts on a non-blank. */
    private void parseSimpleCommand() {
      if (slots.size() >= MAX_COMMANDS) {
        throw new Refusal("more than " + MAX_COMMANDS + " commands");
      }
      int slot = slots.size();
      slots.add(null);
      int start = pos;
      int end = pos;
      List<String> words = new ArrayList<>();
      List<Redirection> redirections = new ArrayList<>();
      while (true) {
        skipBlanks();
        if (pos >= src.length()) {
          break;
        }
        char c = src.charAt(pos);
        if (c == '\n' || c == ';' || c == '|' || c == ')' || c == '&' && peek(1) != '>') {
          break;
        }
        if (c == '(') {
          throw new Refusal("subshells and function definitions ( … ) are not followed");
        }
        Redirection r = redirection();
        if (r != null) {
          redirections.add(r);
        } else {
          Word w = word();
          if (words.isEmpty() && !w.quoted() && RESERVED.contains(w.value())) {
            throw new Refusal("'" + w.value() + "' (compound commands, groups and shell keywords) is not followed");
          }
          words.add(w.value());
        }
        end = pos;
      }
      if (words.isEmpty() && redirections.isEmpty()) {
        throw new Refusal("empty command");
      }
      slots.set(slot, new SimpleCommand(words, redirections, src.substring(start, end), depth));
    }

    /** A redirection starting at {@code pos}, or {@code null} (nothing consumed) when there is none. */
    private Redirection redirection() {
      int p = pos;
      while (p < src.length() && src.charAt(p) >= '0' && src.charAt(p) <= '9') {
        p++;
      }
      if (p >= src.length()) {
        return null;
      }
      char c = src.charAt(p);
      if (c != '<' && c != '>' && c != '&') {
        return null;
      }
      String rest = src.substring(p, Math.min(src.length(), p + 3));
      String op;
      if (c == '&' && p == pos && rest.startsWith("&>")) {
        op = rest.startsWith("&>>") ? "&>>" : "&>";
      } else if (c == '<') {
        if (rest.startsWith("<<")) {
          throw new Refusal("here-documents and here-strings (<<, <<<) are not followed");
        }
        if (rest.startsWith("<(")) {
          throw new Refusal("process substitution <( … ) is not followed");
        }
        op = rest.startsWith("<>") ? "<>" : rest.startsWith("<&") ? "<&" : "<";
      } else if (c == '>') {
        if (rest.startsWith(">(")) {
          throw new Refusal("process substitution >( … ) is not followed");
        }
        op = rest.startsWith(">>") ? ">>" : rest.startsWith(">|") ? ">|" : rest.startsWith(">&") ? ">&" : ">";
      } else {
        return null;
      }
      String operator = src.substring(pos, p) + op;
      pos = p + op.length();
      skipBlanks();
      if (pos >= src.length() || isMeta(src.charAt(pos)) || ioNumberAt(pos)) {
        // "> 2>&1": the shell reads 2>& as the next operator, so the first has no target (a syntax error)
        throw new Refusal("redirection '" + operator + "' has no target");
      }
      return new Redirection(operator, word().value());
    }

    /** Digits directly followed by {@code <} or {@code >}: a file-descriptor number, not a word. */
    private boolean ioNumberAt(int at) {
      int p = at;
      while (p < src.length() && src.charAt(p) >= '0' && src.charAt(p) <= '9') {
        p++;
      }
      return p > at && p < src.length() && (src.charAt(p) == '<' || src.charAt(p) == '>');
    }

    private record Word(String value, boolean quoted) {}

    /** One word up to an unquoted blank or metacharacter: quotes and escapes removed, expansions kept as text. */
    private Word word() {
      if (src.charAt(pos) == '#') {
        throw new Refusal("comments (#) are not followed");
      }
      StringBuilder value = new StringBuilder();
      // the characters that stand unquoted and literal, '\0' for the rest: brace expansion only sees these
      StringBuilder plain = new StringBuilder();
      boolean quoted = false;
      while (pos < src.length()) {
        char c = src.charAt(pos);
        if (c == ' ' || c == '\t' || isMeta(c)) {
          break;
        }
        if (c == '\'') {
          quoted = true;
          int close = src.indexOf('\'', pos + 1);
          if (close < 0) {
            throw new Refusal("unterminated single quote");
          }
          append(value, plain, src.substring(pos + 1, close), false);
          pos = close + 1;
        } else if (c == '"') {
          quoted = true;
          pos++;
          doubleQuoted(value, plain);
        } else if (c == '\\') {
          quoted = true;
          char n = peek(1);
          if (pos + 1 >= src.length()) {
            throw new Refusal("backslash at the end of the command line");
          }
          if (n == '\n') {
            throw new Refusal("backslash-newline (line continuation) is not followed");
          }
          append(value, plain, n, false);
          pos += 2;
        } else if (c == '$') {
          dollar(value, plain, false);
        } else if (c == '`') {
          backticks(value, plain, false);
        } else {
          append(value, plain, c, true);
          pos++;
        }
      }
      refuseBraceExpansion(plain);
      return new Word(value.toString(), quoted);
    }

    /** Inside {@code "…"} (the opening quote consumed): backslash escapes only $ ` " \ and newline. */
    private void doubleQuoted(StringBuilder value, StringBuilder plain) {
      while (true) {
        if (pos >= src.length()) {
          throw new Refusal("unterminated double quote");
        }
        char c = src.charAt(pos);
        if (c == '"') {
          pos++;
          return;
        }
        if (c == '\\') {
          if (pos + 1 >= src.length()) {
            throw new Refusal("unterminated double quote");
          }
          char n = src.charAt(pos + 1);
          if (n == '\n') {
            throw new Refusal("backslash-newline (line continuation) is not followed");
          }
          if (n == '$' || n == '`' || n == '"' || n == '\\') {
            append(value, plain, n, false);
            pos += 2;
          } else {
            append(value, plain, '\\', false); // kept: the next character is read normally
            pos++;
          }
        } else if (c == '$') {
          dollar(value, plain, true);
        } else if (c == '`') {
          backticks(value, plain, true);
        } else {
          append(value, plain, c, false);
          pos++;
        }
      }
    }

    /**
     * {@code $(…)} is split recursively; {@code $NAME}, {@code ${NAME}} and the special parameters stay literal
     * text of the word; anything with operators or shell-specific forms is refused.
     */
    private void dollar(StringBuilder value, StringBuilder plain, boolean inDoubleQuotes) {
      char n = peek(1);
      int start = pos;
      if (n == '(') {
        if (peek(2) == '(') {
          throw new Refusal("arithmetic expansion $(( … )) is not followed");
        }
        deeper();
        pos += 2;
        depth++;
        parseList(true);
        depth--;
        append(value, plain, src.substring(start, pos), false);
      } else if (n == '{') {
        int close = src.indexOf('}', pos + 2);
        if (close < 0) {
          throw new Refusal("unterminated ${");
        }
        String inside = src.substring(pos + 2, close);
        if (!inside.matches("[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-]")) {
          throw new Refusal("parameter expansion with operators (${" + inside + "}) is not followed; only ${NAME}");
        }
        pos = close + 1;
        append(value, plain, src.substring(start, pos), false);
      } else if (n == '[') {
        throw new Refusal("arithmetic expansion $[ … ] is not followed");
      } else if (!inDoubleQuotes && (n == '\'' || n == '"')) {
        throw new Refusal("bash quoting $'…' and $\"…\" is not followed");
      } else if (n != 0 && "$?!#@*-0123456789".indexOf(n) >= 0) {
        // a one-character special parameter: {@code $$(x)} is the PID then '(' (bash: a syntax error outside
        // quotes, literal text inside), never a substitution
        append(value, plain, src.substring(pos, pos + 2), false);
        pos += 2;
      } else {
        append(value, plain, '$', false);
        pos++;
      }
    }

    /**
     * A backtick substitution: its body, with the backslash escapes of backticks undone (\\ \$ \`), is split
     * recursively as a command line of its own. Nested backticks are refused (use $( … )).
     */
    private void backticks(StringBuilder value, StringBuilder plain, boolean inDoubleQuotes) {
      int start = pos;
      pos++;
      StringBuilder body = new StringBuilder();
      while (true) {
        if (pos >= src.length()) {
          throw new Refusal("unterminated backtick substitution");
        }
        char c = src.charAt(pos);
        if (c == '`') {
          pos++;
          break;
        }
        if (c == '\\') {
          if (pos + 1 >= src.length()) {
            throw new Refusal("unterminated backtick substitution");
          }
          char n = src.charAt(pos + 1);
          if (n == '`') {
            throw new Refusal("nested backticks are not followed (use $( … ))");
          }
          if (n == '\n') {
            throw new Refusal("backslash-newline (line continuation) is not followed");
          }
          if (n == '"' && inDoubleQuotes) {
            throw new Refusal("\\\" inside backticks inside double quotes is not followed (use $( … ))");
          }
          if (n == '$' || n == '\\') {
            body.append(n);
            pos += 2;
            continue;
          }
          body.append('\\');
          pos++;
          continue;
        }
        body.append(c);
        pos++;
      }
      deeper();
      new Parser(body.toString(), slots, depth + 1).parseList(false);
      append(value, plain, src.substring(start, pos), false);
    }

    private void deeper() {
      if (depth + 1 > MAX_DEPTH) {
        throw new Refusal("command substitutions nested deeper than " + MAX_DEPTH);
      }
    }

    private static void append(StringBuilder value, StringBuilder plain, char c, boolean literal) {
      value.append(c);
      plain.append(literal ? c : '\0');
    }

    private static void append(StringBuilder value, StringBuilder plain, String text, boolean literal) {
      value.append(text);
      for (int i = 0; i < text.length(); i++) {
        plain.append(literal ? text.charAt(i) : '\0');
      }
    }

    /**
     * Bash expands {@code {a,b}} and {@code {1..3}} (unquoted) into several words, so {@code {rm,-rf,/}} runs
     * {@code rm -rf /} while its text matches no {@code rm} glob. Refused when an unquoted {@code {} is followed by
     * an unquoted {@code ,} or {@code ..} and then {@code }} — a superset of real brace expansions; {@code {}} of
     * find and {@code @{u}} of git stay allowed.
     */
    private static void refuseBraceExpansion(CharSequence plain) {
      boolean open = false;
      boolean separated = false;
      for (int i = 0; i < plain.length(); i++) {
        char c = plain.charAt(i);
        if (c == '{') {
          open = true;
        } else if (open && (c == ',' || c == '.' && i + 1 < plain.length() && plain.charAt(i + 1) == '.')) {
          separated = true;
        } else if (c == '}' && separated) {
          throw new Refusal("brace expansion {a,b} / {1..3} is not followed (quote the braces)");
        }
      }
    }

    private static boolean isMeta(char c) {
      return c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' || c == '\n';
    }

    private char peek(int ahead) {
      int at = pos + ahead;
      return at < src.length() ? src.charAt(at) : 0;
    }

    private void skipBlanks() {
      while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
        pos++;
      }
    }
  }
}
