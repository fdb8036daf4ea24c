package dev.cgroupns.sandbox.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A service-account token that is requested again before it expires, as the kubelet renews a pod's
 * projected token. The sandbox runs until Ctrl-C, often longer than the hour a bound token lasts;
 * without this its operator and agent would be refused with 401 after that hour. The client asks
 * for the token on every request, and once more after a 401.
 */
public final class RenewingToken implements OAuthTokenProvider {

  /** Well inside the hour a bound token lasts, as the kubelet renews at 80% of its life. */
  static final Duration RENEW_AFTER = Duration.ofMinutes(20);

  private final Supplier<String> request;
  private final Duration renewAfter;
  private final Clock clock;
  private String token;
  private Instant obtained;

  /**
   * @param first a token obtained just now, or null to request one on first use
   * @param request asks the API server for a new token
   */
  RenewingToken(String first, Supplier<String> request, Duration renewAfter, Clock clock) {
    this.token = first;
    this.request = request;
    this.renewAfter = renewAfter;
    this.clock = clock;
    this.obtained = clock.instant();
  }

  /**
   * Makes {@code config} (which carries a token obtained just now, as a kubeconfig's) renew it
   * through {@code request}.
   */
  public static Config renewing(Config config, Supplier<String> request) {
    // fabric8 keeps a kubeconfig's token as the "auto" one, and an explicit one apart.
    String first =
        config.getOauthToken() != null ? config.getOauthToken() : config.getAutoOAuthToken();
    config.setOauthTokenProvider(new RenewingToken(first, request, RENEW_AFTER, Clock.systemUTC()));
    return config;
  }

  @Override
  public synchronized String getToken() {
    Instant now = clock.instant();
    if (token == null) {
      token = request.get();
      obtained = now;
    } else if (!now.isBefore(obtained.plus(renewAfter))) {
      try {
        token = request.get();
        obtained = now;
      } catch (RuntimeException e) {
        // The API server may be busy or restarting; the current token is still valid for a
        // while, and the next request tries again.
      }
    }
    return token;
  }
}
