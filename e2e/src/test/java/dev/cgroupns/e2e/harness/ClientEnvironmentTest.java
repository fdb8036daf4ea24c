package dev.cgroupns.e2e.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientEnvironmentTest {

  @Test
  void pointsTheChildAtTheEndpointAndNowhereElse() {
    Map<String, String> env =
        ClientEnvironment.of(
            new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:4321/").build());

    assertThat(env)
        .containsEntry("KUBERNETES_MASTER", "http://127.0.0.1:4321/")
        .containsEntry("KUBERNETES_AUTH_TRYKUBECONFIG", "false")
        .containsEntry("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false")
        .containsEntry("KUBERNETES_NAMESPACE", "default")
        .doesNotContainKeys(
            "KUBERNETES_AUTH_TOKEN", "KUBERNETES_CERTS_CA_DATA", "KUBERNETES_HTTP2_DISABLE");
  }

  @Test
  void carriesTheCredentialsOfARealApiServer() {
    Map<String, String> env =
        ClientEnvironment.of(
            new ConfigBuilder(Config.empty())
                .withMasterUrl("https://127.0.0.1:6443/")
                .withOauthToken("service-account-token")
                .withCaCertData("Y2E=")
                .withClientCertFile("/tmp/admin.crt")
                .withClientKeyFile("/tmp/admin.key")
                .withNamespace("cgroup-isolation-system")
                .withHttp2Disable(true)
                .build());

    assertThat(env)
        .containsEntry("KUBERNETES_AUTH_TOKEN", "service-account-token")
        .containsEntry("KUBERNETES_CERTS_CA_DATA", "Y2E=")
        .containsEntry("KUBERNETES_CERTS_CLIENT_FILE", "/tmp/admin.crt")
        .containsEntry("KUBERNETES_CERTS_CLIENT_KEY_FILE", "/tmp/admin.key")
        .containsEntry("KUBERNETES_NAMESPACE", "cgroup-isolation-system")
        .containsEntry("KUBERNETES_HTTP2_DISABLE", "true")
        .doesNotContainKey("KUBERNETES_TRUST_CERTIFICATES");
  }

  @Test
  void carriesATokenReadFromAKubeconfig() {
    Config fromKubeconfig =
        Config.fromKubeconfig(
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]",
                "users: [{name: u, user: {token: bound-token}}]",
                "contexts: [{name: x, context: {cluster: c, user: u}}]",
                "current-context: x"));

    assertThat(ClientEnvironment.of(fromKubeconfig))
        .containsEntry("KUBERNETES_AUTH_TOKEN", "bound-token");
  }
}
