package dev.portcullis.policy;

import dev.portcullis.config.YamlException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload of the policies directory. Every {@code interval} a single daemon thread hashes the names and contents
 * of the {@code *.yaml} files (the directory is small; content hashing avoids the blind spot of coarse mtimes) and,
 * when the hash changed, loads the directory and installs it in the engine (which bumps the version, so cached
 * decisions of the old set are never served). A broken file keeps the last good set and logs an ERROR naming file
 * and line; fixing the file reloads.
 */
public final class PolicyDirectoryWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyDirectoryWatcher.class);

  /** What one reload attempt did. */
  public sealed interface Outcome {
    /** The new set is in force. */
    record Loaded(PolicySet set) implements Outcome {}

    /** The files are broken; the previous set stays in force. */
    record Failed(String message) implements Outcome {}
  }

  /** How often the directory is checked in production. */
  public static final long DEFAULT_INTERVAL_MILLIS = 1000;

  private final Path dir;
  private final PolicyEngine engine;
  private final List<CompletableFuture<Outcome>> waiters = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService timer;
  private byte[] lastHash;

  /** Takes the directory's current content as already loaded into {@code engine} (no reload at start). */
  public PolicyDirectoryWatcher(Path dir, PolicyEngine engine) {
    this.dir = dir;
    this.engine = engine;
    this.lastHash = hash();
  }

  public synchronized void start(long intervalMillis) {
    if (timer != null) {
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "portcullis-policy-watch");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::checkQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Completes at the next reload attempt (success or failure) — what tests await instead of sleeping. */
  public CompletableFuture<Outcome> nextReload() {
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    waiters.add(f);
    return f;
  }

  /** Checks once now; returns the outcome, or {@code null} when nothing changed. */
  public synchronized Outcome check() {
    byte[] now = hash();
    if (Arrays.equals(now, lastHash)) {
      return null;
    }
    lastHash = now;
    Outcome outcome;
    try {
      PolicySet set = engine.install(PolicyLoader.loadDirectory(dir));
      LOG.info("policies reloaded from {}: version {}, {} policies", dir, set.version(), set.policies().size());
      outcome = new Outcome.Loaded(set);
    } catch (YamlException e) {
      LOG.error("policy reload failed, keeping version {}: {}", engine.policies().version(), e.getMessage());
      outcome = new Outcome.Failed(e.getMessage());
    }
    for (CompletableFuture<Outcome> w : waiters) {
      waiters.remove(w);
      w.complete(outcome);
    }
    return outcome;
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      LOG.error("policy directory check failed: {}", e.toString());
    }
  }

  private byte[] hash() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.yaml")) {
        stream.forEach(files::add);
      }
      files.sort(null);
      for (Path f : files) {
        digest.update(f.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(Files.readAllBytes(f));
        digest.update((byte) 0);
      }
      return digest.digest();
    } catch (IOException e) {
      // a vanished or unreadable directory counts as a change, so the reload reports the error
      return new byte[] {1};
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }
}
