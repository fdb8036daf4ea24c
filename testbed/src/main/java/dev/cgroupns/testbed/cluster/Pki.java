package dev.cgroupns.testbed.cluster;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of one local control plane: a CA, the API server's serving certificate, client
 * certificates for any user and groups (Kubernetes reads the user from CN and the groups from O),
 * and the service-account signing key. Everything is made fresh per run and written as PEM files
 * into the run's directory, readable only by root.
 */
public final class Pki {

  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private Pki(Path dir, KeyPair caKeys, X509Certificate ca) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** Makes a new CA and writes it to {@code dir/ca.crt}. */
  public static Pki create(Path dir) {
    try {
      Files.createDirectories(dir);
      KeyPair keys = newKeys();
      X500Name name = name("cgroupns-local-ca", List.of());
      X509v3CertificateBuilder builder = builder(name, name, keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate ca = sign(builder, keys.getPrivate());
      Pki pki = new Pki(dir, keys, ca);
      pki.write("ca.crt", pem(ca));
      return pki;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CA certificate file, which clients trust and servers check client certificates with. */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  /** The CA certificate in PEM. */
  public String caPem() {
    return pem(ca);
  }

  /**
   * A serving certificate for loopback ({@code 127.0.0.1}, {@code localhost}) and the given extra
   * DNS names and IP addresses.
   */
  public KeyFiles serving(String fileName, List<String> dnsNames, List<String> ips) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    return issue(
        fileName,
        name(fileName, List.of()),
        KeyPurposeId.id_kp_serverAuth,
        new GeneralNames(names.toArray(GeneralName[]::new)));
  }

  /** A client certificate for user {@code user} in {@code groups}. */
  public KeyFiles client(String fileName, String user, List<String> groups) {
    return issue(fileName, name(user, groups), KeyPurposeId.id_kp_clientAuth, null);
  }

  /**
   * The key pair that signs service-account tokens: {@code sa.key} (private, for the API server and
   * the controller-manager) and {@code sa.pub}.
   */
  public KeyFiles serviceAccountKeys() {
    KeyPair keys = newKeys();
    Path key = write("sa.key", pem(keys.getPrivate()));
    Path pub = write("sa.pub", pem(keys.getPublic()));
    return new KeyFiles(pub, key);
  }

  /** A certificate file and its private key file. */
  public record KeyFiles(Path certificate, Path key) {

    public String certificatePem() {
      return read(certificate);
    }

    public String keyPem() {
      return read(key);
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private KeyFiles issue(
      String fileName, X500Name subject, KeyPurposeId purpose, GeneralNames altNames) {
    try {
      KeyPair keys = newKeys();
      X509v3CertificateBuilder builder =
          builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), subject, keys);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      X509Certificate cert = sign(builder, caKeys.getPrivate());
      return new KeyFiles(
          write(fileName + ".crt", pem(cert)), write(fileName + ".key", pem(keys.getPrivate())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X500Name name(String commonName, List<String> organizations) {
    X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
    organizations.forEach(o -> builder.addRDN(BCStyle.O, o));
    builder.addRDN(BCStyle.CN, commonName);
    return builder.build();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("could not sign a certificate", e);
    }
  }

  /**
   * RSA, not EC: every consumer (Go's TLS, kubectl, fabric8's key loading, the API server's
   * service-account keys) takes RSA keys without extra settings.
   */
  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private Path write(String fileName, String content) {
    return PrivateFiles.write(dir.resolve(fileName), content);
  }
}
