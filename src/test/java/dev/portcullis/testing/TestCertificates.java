package dev.portcullis.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Throwaway X.509 material for TLS tests: a CA and a server certificate it signs (EC P-256, one day). */
public final class TestCertificates {
  private TestCertificates() {}

  /**
   * Writes {@code caDir/ca.crt}, {@code serverDir/server.crt} and {@code serverDir/server.key} (mode 0600) for a
   * server certificate whose only subject alternative name is the DNS name {@code dnsName}; returns the CA file.
   */
  public static Path writeServerFiles(Path caDir, Path serverDir, String dnsName)
      throws GeneralSecurityException, IOException {
    KeyPair ca = newKeyPair();
    KeyPair server = newKeyPair();
    X500Name caName = new X500Name("CN=Portcullis Test CA");
    X509CertificateHolder caCert = sign(caName, caName, ca.getPublic(), ca.getPrivate(), true, null);
    X509CertificateHolder serverCert =
        sign(caName, new X500Name("CN=" + dnsName), server.getPublic(), ca.getPrivate(), false, dnsName);
    Path caFile = caDir.resolve("ca.crt");
    Files.writeString(caFile, pem(caCert));
    Files.writeString(serverDir.resolve("server.crt"), pem(serverCert));
    Path key = serverDir.resolve("server.key");
    // PKCS#8 ("PRIVATE KEY"): OpenSSL 3 refuses BouncyCastle's traditional EC encoding.
    Files.writeString(key, pem(new JcaPKCS8Generator(server.getPrivate(), null).generate()));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    return caFile;
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509CertificateHolder sign(X500Name issuer, X500Name subject, PublicKey key, PrivateKey signer,
      boolean isCa, String dnsName) throws IOException, GeneralSecurityException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(1))), subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (isCa) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }
    try {
      return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
