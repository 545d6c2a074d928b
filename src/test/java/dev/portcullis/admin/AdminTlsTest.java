package dev.portcullis.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portcullis.config.AdminListenConfig;
import dev.portcullis.config.ApprovalsConfig;
import dev.portcullis.config.EventsConfig;
import dev.portcullis.config.OidcConfig;
import dev.portcullis.config.TlsFiles;
import dev.portcullis.events.PublisherStats;
import dev.portcullis.events.kafka.DeliveryHealth;
import dev.portcullis.forward.RelayCounters;
import dev.portcullis.testing.TestCertificates;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code listen.admin.tls}: the listener speaks HTTPS with the configured certificate, and only HTTPS. */
class AdminTlsTest {
  @TempDir
  Path dir;

  @Test
  void servesHttpsWithTheConfiguredCertificate() throws Exception {
    Path ca = TestCertificates.writeServerFiles(dir, dir, "localhost");
    MockOAuth2Server issuer = new MockOAuth2Server();
    issuer.start();
    Vertx vertx = Vertx.vertx();
    try {
      MetricSources sources = new MetricSources(new GatewayMetrics(), EventsConfig.Sink.JOURNAL,
          new DeliveryHealth(EventsConfig.OnUnavailable.KEEP_SERVING, Long.MAX_VALUE),
          () -> new PublisherStats(0, 0, 0, 0, 0), new RelayCounters(), NoApprovals.INSTANCE);
      AdminServer server = AdminTestServer.await(AdminServer.start(vertx,
          new AdminListenConfig("127.0.0.1", 0, new TlsFiles(dir.resolve("server.crt"), dir.resolve("server.key"))),
          new OidcConfig(issuer.issuerUrl("tls").toString(), "portcullis", "groups", Duration.ofSeconds(5)),
          ApprovalsConfig.DEFAULTS, sources));
      try {
        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(ca)).build();
        HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        // A client that does not know the CA refuses the certificate (it is verified, not just encrypted).
        assertThrows(SSLHandshakeException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("https://localhost:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
        assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()));
      } finally {
        AdminTestServer.await(server.stop());
      }
    } finally {
      AdminTestServer.await(vertx.close());
      issuer.shutdown();
    }
  }

  private static SSLContext trusting(Path caFile) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
