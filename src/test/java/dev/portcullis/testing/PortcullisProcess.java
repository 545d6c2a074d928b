package dev.portcullis.testing;

import dev.portcullis.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Portcullis command ({@code serve}, {@code audit-sink}, …) in its own JVM, as an operator runs it, with the test
 * classpath. Its output is collected as it comes, so a test can wait for a line and read what it logged while
 * stopping. {@link #close} stops it with SIGTERM (its shutdown hooks run), {@link #kill} with SIGKILL.
 */
public final class PortcullisProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final Thread reader;

  private PortcullisProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    this.reader = new Thread(this::collect, name + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code portcullis ARGS…} with extra environment variables. */
  public static PortcullisProcess start(String name, Map<String, String> env, String... args) throws IOException {
    return start(name, env, List.of(), args);
  }

  /**
   * Starts {@code portcullis ARGS…} with extra environment variables and JVM options (e.g. {@code -Xmx64m}) placed
   * before the main class.
   */
  public static PortcullisProcess start(String name, Map<String, String> env, List<String> jvmOptions,
      String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new PortcullisProcess(name, pb.start());
  }

  private void collect() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.append(line).append('\n');
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /**
   * Waits (up to a minute) until the output contains {@code text}; fails at once if the process exits first, and
   * kills it when the minute passes.
   */
  public PortcullisProcess awaitOutput(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (output.indexOf(text) < 0) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly(); // a caller that never got the handle cannot stop it
        throw new AssertionError(name + " never printed '" + text + "'" + (process.isAlive() ? "" : " (it exited)")
            + ":\n" + output);
      }
      process.waitFor(50, TimeUnit.MILLISECONDS); // returns early when the process exits
    }
    return this;
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }

  public String output() {
    return output.toString();
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM, then waits for the exit and for the last of its output. Through the handle: {@code
   * Process.destroy()} would also close our end of its output and lose what it logs while stopping.
   */
  @Override
  public void close() throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not stop on SIGTERM:\n" + output);
    }
    reader.join(10_000);
  }
}
