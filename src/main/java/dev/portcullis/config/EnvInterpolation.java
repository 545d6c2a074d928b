package dev.portcullis.config;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Replaces {@code ${NAME}} in config values with the environment variable's value. A variable that is not set is an
 * error (an empty host or password silently substituted would be worse than a refusal to start). {@code $$} writes a
 * literal {@code $}. The error names the variable, never a value.
 */
public final class EnvInterpolation implements UnaryOperator<String> {
  private final Function<String, String> env;

  public EnvInterpolation(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public String apply(String text) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated ${ in value");
        }
        String name = text.substring(i + 2, end);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException("invalid variable name '${" + name + "}'");
        }
        String value = env.apply(name);
        if (value == null) {
          throw new IllegalArgumentException("environment variable " + name + " is not set");
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
