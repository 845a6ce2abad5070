package dev.modelbuilder.azure.testing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed TLS certificate for 127.0.0.1 and localhost, made with BouncyCastle when the tests start, with a
 * server context that presents it and a client context that trusts only it.
 */
public final class TestCertificates {
    private final SSLContext server;
    private final SSLContext client;
    private final X509Certificate certificate;
    private final java.security.PrivateKey key;

    private TestCertificates(SSLContext server, SSLContext client, X509Certificate certificate,
            java.security.PrivateKey key) {
        this.server = server;
        this.client = client;
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Writes the certificate and its private key as PEM files, for a server outside the JVM (Azurite over HTTPS).
     *
     * @param directory where to write {@code cert.pem} and {@code key.pem}
     * @return the certificate file and the key file
     */
    public java.nio.file.Path[] writePem(java.nio.file.Path directory) {
        try {
            java.nio.file.Files.createDirectories(directory);
            java.nio.file.Path cert = directory.resolve("cert.pem");
            java.nio.file.Path keyFile = directory.resolve("key.pem");
            java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII));
            java.nio.file.Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                    + b64.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
            java.nio.file.Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                    + b64.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            return new java.nio.file.Path[] {cert, keyFile};
        } catch (java.io.IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot write the test certificate", e);
        }
    }

    /** @return a fresh certificate and its contexts */
    public static TestCertificates create() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair keys = gen.generateKeyPair();
            X500Name name = new X500Name("CN=127.0.0.1, O=Model Builder ARM emulator");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(2))), name, keys.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            char[] password = "emulator".toCharArray();
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", keys.getPrivate(), password, new X509Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("emulator", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new TestCertificates(server, client, cert, keys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test certificate", e);
        }
    }

    /** @return the server side: presents the certificate */
    public SSLContext server() {
        return server;
    }

    /** @return the client side: trusts the certificate (and nothing else) */
    public SSLContext client() {
        return client;
    }
}
