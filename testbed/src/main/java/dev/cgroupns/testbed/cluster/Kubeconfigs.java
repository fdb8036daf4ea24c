package dev.cgroupns.testbed.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Writes kubeconfig files for kubectl, the operator and the agent: one cluster (the local API
 * server and its CA) and one user, with a client certificate or a bearer token.
 */
public final class Kubeconfigs {

  private Kubeconfigs() {}

  /** A kubeconfig whose user authenticates with a client certificate. */
  public static Path withCertificate(
      Path file, String context, String server, String caPem, Pki.KeyFiles client) {
    String user =
        "    client-certificate-data: "
            + base64(client.certificatePem())
            + "\n    client-key-data: "
            + base64(client.keyPem())
            + "\n";
    return write(file, context, server, caPem, user);
  }

  /** A kubeconfig whose user authenticates with a bearer token (a service-account token). */
  public static Path withToken(
      Path file, String context, String server, String caPem, String token) {
    return write(file, context, server, caPem, "    token: " + token + "\n");
  }

  private static Path write(Path file, String context, String server, String caPem, String user) {
    String yaml =
        "apiVersion: v1\n"
            + "kind: Config\n"
            + "clusters:\n"
            + "- name: "
            + context
            + "\n  cluster:\n    server: "
            + server
            + "\n    certificate-authority-data: "
            + base64(caPem)
            + "\nusers:\n- name: "
            + context
            + "\n  user:\n"
            + user
            + "contexts:\n- name: "
            + context
            + "\n  context:\n    cluster: "
            + context
            + "\n    user: "
            + context
            + "\n    namespace: default\n"
            + "current-context: "
            + context
            + "\n";
    return PrivateFiles.write(file, yaml);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
