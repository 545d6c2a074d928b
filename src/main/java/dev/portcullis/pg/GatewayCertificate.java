package dev.portcullis.pg;

import dev.portcullis.config.TlsFiles;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The listener's TLS key and certificate: the configured PEM files, or else an ephemeral self-signed certificate
 * (SAN localhost and 127.0.0.1) generated once per process. Clients using {@code sslmode=require} accept it;
 * production configs give a real certificate.
 */
final class GatewayCertificate {
  private static volatile SslContext ephemeral;

  private GatewayCertificate() {}

  /** The server TLS context for a listener: from the configured PEM files, else the process's ephemeral one. */
  static SslContext context(TlsFiles files) {
    if (files != null) {
      try {
        return SslContextBuilder.forServer(files.cert().toFile(), files.key().toFile()).build();
      } catch (Exception e) {
        throw new IllegalStateException("cannot load the TLS certificate " + files.cert() + " and key "
            + files.key() + ": " + e.getMessage(), e);
      }
    }
    SslContext current = ephemeral;
    if (current == null) {
      synchronized (GatewayCertificate.class) {
        if (ephemeral == null) {
          ephemeral = generate();
        }
        current = ephemeral;
      }
    }
    return current;
  }

  private static SslContext generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=portcullis ephemeral");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
          Date.from(now.plus(Duration.ofDays(365))), name, pair.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
      X509CertificateHolder cert =
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      return SslContextBuilder.forServer(
              new ByteArrayInputStream(pem(cert).getBytes(StandardCharsets.US_ASCII)),
              new ByteArrayInputStream(pkcs8(pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII)))
          .build();
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate the ephemeral TLS certificate", e);
    }
  }

  private static String pkcs8(byte[] der) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String pem(Object object) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new JcaMiscPEMGenerator(object));
    }
    return out.toString();
  }
}
