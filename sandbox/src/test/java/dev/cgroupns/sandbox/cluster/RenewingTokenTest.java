package dev.cgroupns.sandbox.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RenewingTokenTest {

  private static final Duration RENEW = Duration.ofMinutes(20);

  private final MutableClock clock = new MutableClock();
  private final Deque<String> issued = new ArrayDeque<>(List.of("second", "third"));
  private int requests;

  private final Supplier<String> request =
      () -> {
        requests++;
        if (issued.isEmpty()) {
          throw new IllegalStateException("the API server is away");
        }
        return issued.pop();
      };

  @Test
  void theFirstTokenServesUntilItIsDueThenANewOneIsRequested() {
    RenewingToken token = new RenewingToken("first", request, RENEW, clock);

    assertThat(token.getToken()).isEqualTo("first");
    clock.advance(RENEW.minusSeconds(1));
    assertThat(token.getToken()).isEqualTo("first");
    assertThat(requests).isZero();

    clock.advance(Duration.ofSeconds(1));
    assertThat(token.getToken()).isEqualTo("second");
    assertThat(token.getToken()).isEqualTo("second");
    assertThat(requests).isEqualTo(1);
  }

  @Test
  void aFailedRenewalKeepsTheCurrentTokenAndTheNextUseTriesAgain() {
    issued.clear();
    RenewingToken token = new RenewingToken("first", request, RENEW, clock);
    clock.advance(RENEW);

    assertThat(token.getToken()).isEqualTo("first");
    issued.add("second");
    assertThat(token.getToken()).isEqualTo("second");
    assertThat(requests).isEqualTo(2);
  }

  @Test
  void withoutAFirstTokenOneIsRequestedAtFirstUseAndAFailureIsTheCaller() {
    RenewingToken token = new RenewingToken(null, request, RENEW, clock);
    assertThat(token.getToken()).isEqualTo("second");

    issued.clear();
    RenewingToken none = new RenewingToken(null, request, RENEW, clock);
    assertThatThrownBy(none::getToken).hasMessageContaining("away");
  }

  @Test
  void aKubeconfigsTokenIsTheFirstOneAndTheConfigAsksTheProviderFromThenOn() {
    Config config =
        Config.fromKubeconfig(
            """
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443"}
            users:
            - name: u
              user: {token: from-the-kubeconfig}
            contexts:
            - name: c
              context: {cluster: c, user: u}
            current-context: c
            """);

    Config renewing = RenewingToken.renewing(config, request);

    assertThat(renewing.getOauthTokenProvider().getToken()).isEqualTo("from-the-kubeconfig");
    assertThat(requests).isZero();
  }

  /** A clock the test moves. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
