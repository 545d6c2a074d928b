package dev.portcullis.policy.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/** A list of names shipped as a resource of this package: one per line, {@code #} comments and blanks ignored. */
final class NameList {
  private NameList() {}

  static Set<String> load(String resource) {
    Set<String> names = new HashSet<>();
    try (InputStream in = NameList.class.getResourceAsStream(resource)) {
      if (in == null) {
        // A missing list must stop the gateway, not quietly make every name unknown.
        throw new IllegalStateException(resource + " missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          names.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(names);
  }
}
