package dev.cgroupns.e2e.harness;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Utils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment that points a child JVM's fabric8 client at the API a {@link Config} describes,
 * with its credentials, and nowhere else. fabric8 reads its system properties from the environment
 * too ({@code kubernetes.master} as {@code KUBERNETES_MASTER}); the kubeconfig and service-account
 * lookups are off, so the developer's own cluster can never be the one a test talks to.
 */
public final class ClientEnvironment {
  private ClientEnvironment() {}

  public static Map<String, String> of(Config config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(name(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY), config.getMasterUrl());
    env.put(name(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY), "false");
    env.put(name(Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY), "false");
    env.put(
        name(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY),
        config.getNamespace() == null ? "default" : config.getNamespace());
    // A token read from a kubeconfig is fabric8's "auto" token, one given in code the plain one.
    putIfSet(
        env,
        Config.KUBERNETES_OAUTH_TOKEN_SYSTEM_PROPERTY,
        config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken());
    putIfSet(env, Config.KUBERNETES_CA_CERTIFICATE_DATA_SYSTEM_PROPERTY, config.getCaCertData());
    putIfSet(env, Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY, config.getCaCertFile());
    putIfSet(
        env, Config.KUBERNETES_CLIENT_CERTIFICATE_DATA_SYSTEM_PROPERTY, config.getClientCertData());
    putIfSet(
        env, Config.KUBERNETES_CLIENT_CERTIFICATE_FILE_SYSTEM_PROPERTY, config.getClientCertFile());
    putIfSet(env, Config.KUBERNETES_CLIENT_KEY_DATA_SYSTEM_PROPERTY, config.getClientKeyData());
    putIfSet(env, Config.KUBERNETES_CLIENT_KEY_FILE_SYSTEM_PROPERTY, config.getClientKeyFile());
    if (config.isTrustCerts()) {
      env.put(name(Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY), "true");
    }
    if (config.isHttp2Disable()) {
      env.put(name("kubernetes." + Config.KUBERNETES_HTTP2_DISABLE), "true");
    }
    return env;
  }

  private static void putIfSet(Map<String, String> env, String property, String value) {
    if (value != null && !value.isBlank()) {
      env.put(name(property), value);
    }
  }

  /** The variable fabric8 reads for a system property (KUBERNETES_AUTH_TOKEN for k.a.token). */
  private static String name(String property) {
    return Utils.convertSystemPropertyNameToEnvVar(property);
  }
}
