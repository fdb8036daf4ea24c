package dev.cgroupns.testbed.kube.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Status;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FaultRulesTest {

  private static final String NODE_STATUS =
      "/apis/cgroupns.dev/v1alpha1/namespaces/team/cgroupisolationnodes/web-1a2b3c4d5e/status";
  private static final UnaryOperator<String> NO_HEADERS = name -> null;

  private static Optional<Fault> take(
      FaultRules rules, String method, String path, UnaryOperator<String> headers) {
    return rules.take(method, path, headers).map(FaultRule::fault);
  }

  @Test
  void starMatchesOneSegmentDoubleStarAnyAndTheQueryIsIgnored() {
    PathPattern oneSegment =
        PathPattern.of("/apis/cgroupns.dev/v1alpha1/namespaces/*/cgroupisolationnodes/*/status");
    assertThat(oneSegment.matches(NODE_STATUS)).isTrue();
    assertThat(oneSegment.matches(NODE_STATUS + "?fieldManager=agent")).isTrue();
    assertThat(oneSegment.matches(NODE_STATUS.replace("/status", ""))).isFalse();
    assertThat(oneSegment.matches(NODE_STATUS.replace("team", "a/b"))).isFalse();
    assertThat(PathPattern.of("/apis/cgroupns.dev/**").matches(NODE_STATUS)).isTrue();
    assertThat(PathPattern.of("/apis/cgroupns.dev/**/status").matches(NODE_STATUS)).isTrue();
  }

  @Test
  void patternCharactersOtherThanStarAreLiteral() {
    // '.' in the group must not match any character, as it would in a regular expression.
    PathPattern pattern = PathPattern.of("/apis/cgroupns.dev/v1alpha1/*");
    assertThat(pattern.matches("/apis/cgroupns.dev/v1alpha1/x")).isTrue();
    assertThat(pattern.matches("/apis/cgroupnsXdev/v1alpha1/x")).isFalse();
    assertThatThrownBy(() -> PathPattern.of("apis/x")).hasMessageContaining("starts with '/'");
  }

  @Test
  void answersTheNextNMatchingRequestsThenLetsThemThrough() {
    FaultRules rules = new FaultRules();
    FaultRule rule =
        rules.add(FaultRule.on("patch", "/apis/cgroupns.dev/**/status", Fault.conflict()).times(2));
    assertThat(take(rules, "GET", NODE_STATUS, NO_HEADERS)).isEmpty();
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).contains(Fault.conflict());
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).contains(Fault.conflict());
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).isEmpty();
    assertThat(rule.hits()).isEqualTo(2);
    assertThat(rule.remaining()).isZero();
  }

  @Test
  void headerConditionTellsClientsApart() {
    FaultRules rules = new FaultRules();
    rules.add(
        FaultRule.on("*", "/**", Fault.error(503)).whenHeader("User-Agent", "node-agent").always());
    UnaryOperator<String> agent = Map.of("User-Agent", "cgroupns-node-agent/fault-test")::get;
    UnaryOperator<String> operator = Map.of("User-Agent", "fabric8-kubernetes-client/7.4.0")::get;
    assertThat(take(rules, "PATCH", NODE_STATUS, operator)).isEmpty();
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).isEmpty();
    for (int i = 0; i < 5; i++) {
      assertThat(take(rules, "GET", NODE_STATUS, agent)).contains(Fault.error(503));
    }
  }

  @Test
  void firstRuleWithAnswersLeftWinsAndRemovedRulesStopAnswering() {
    FaultRules rules = new FaultRules();
    FaultRule first = rules.add(FaultRule.on("PATCH", "/**", Fault.conflict()));
    FaultRule second = rules.add(FaultRule.on("PATCH", "/**", Fault.error(500)).always());
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).contains(Fault.conflict());
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).contains(Fault.error(500));
    rules.remove(second);
    assertThat(take(rules, "PATCH", NODE_STATUS, NO_HEADERS)).isEmpty();
    assertThat(first.hits()).isEqualTo(1);
    assertThat(second.hits()).isEqualTo(1);
  }

  @Test
  void concurrentRequestsNeverGetMoreAnswersThanProgrammed() throws Exception {
    FaultRules rules = new FaultRules();
    FaultRule rule = rules.add(FaultRule.on("PATCH", "/**", Fault.error(500)).times(50));
    AtomicInteger injected = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<?>[] runs = new Future<?>[4];
      for (int t = 0; t < runs.length; t++) {
        runs[t] =
            pool.submit(
                () -> {
                  for (int i = 0; i < 100; i++) {
                    Optional<Fault> f = take(rules, "PATCH", NODE_STATUS, NO_HEADERS);
                    f.ifPresent(x -> injected.incrementAndGet());
                  }
                });
      }
      for (Future<?> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(injected).hasValue(50);
    assertThat(rule.hits()).isEqualTo(50);
  }

  @Test
  void faultsCarryTheReasonsARealServerUses() {
    assertThat(Fault.conflict().reason()).isEqualTo("Conflict");
    assertThat(Fault.conflict().message("pods \"web-0\""))
        .startsWith(
            "Operation cannot be fulfilled on pods \"web-0\": the object has been modified");
    assertThat(Fault.error(500).reason()).isEqualTo("InternalError");
    assertThat(Fault.error(503).reason()).isEqualTo("ServiceUnavailable");
    assertThat(Fault.error(429).reason()).isEqualTo("TooManyRequests");
    Fault before = Fault.timeoutBeforeWrite(Duration.ofSeconds(3));
    assertThat(before.code()).isEqualTo(504);
    assertThat(before.reason()).isEqualTo("Timeout");
    assertThat(before.performsRequest()).isFalse();
    assertThat(Fault.timeoutAfterWrite(Duration.ofSeconds(3)).performsRequest()).isTrue();
    assertThatThrownBy(() -> Fault.error(200)).hasMessageContaining("4xx or 5xx");
    assertThatThrownBy(() -> FaultRule.on("GET", "/**", Fault.conflict()).times(0))
        .hasMessageContaining("at least 1");
  }

  @Test
  void watchFaultsMatchWatchesOnlyAndADroppedWatchIsUsedUpWhenCut() {
    String list = "/api/v1/namespaces/default/configmaps";
    FaultRules rules = new FaultRules();
    FaultRule drop = rules.add(FaultRule.on("GET", list, Fault.dropWatch(2)));
    FaultRule expire = rules.add(FaultRule.on("GET", list, Fault.watchExpired()));
    assertThat(rules.take("GET", list + "?limit=500", NO_HEADERS)).isEmpty();
    assertThat(rules.take("GET", list + "?watch=false", NO_HEADERS)).isEmpty();

    // Two watches may both be cut by the rule; the first cut uses it up, the second is not cut.
    assertThat(rules.take("GET", list + "?watch=true&resourceVersion=7", NO_HEADERS))
        .containsSame(drop);
    assertThat(rules.take("GET", list + "?watch=1", NO_HEADERS)).containsSame(drop);
    assertThat(drop.hits()).isZero();
    assertThat(drop.claim()).isTrue();
    assertThat(drop.claim()).isFalse();
    assertThat(drop.hits()).isEqualTo(1);

    assertThat(rules.take("GET", list + "?watch=true", NO_HEADERS)).containsSame(expire);
    assertThat(expire.hits()).isEqualTo(1);
    assertThat(rules.take("GET", list + "?watch=true", NO_HEADERS)).isEmpty();
  }

  @Test
  void statusBodiesNameTheTargetAsARealServerDoes() {
    Status conflict = Fault.conflict().status("PATCH", NODE_STATUS + "?fieldManager=agent");
    assertThat(conflict.getKind()).isEqualTo("Status");
    assertThat(conflict.getApiVersion()).isEqualTo("v1");
    assertThat(conflict.getStatus()).isEqualTo("Failure");
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getReason()).isEqualTo("Conflict");
    assertThat(conflict.getMessage())
        .startsWith(
            "Operation cannot be fulfilled on cgroupisolationnodes.cgroupns.dev \"web-1a2b3c4d5e\":");
    assertThat(Fault.error(503).status("POST", "/api/v1/namespaces/team/configmaps").getMessage())
        .isEqualTo("ServiceUnavailable for configmaps (injected fault)");
    assertThat(Fault.error(500).status("DELETE", "/api/v1/namespaces/team").getMessage())
        .isEqualTo("InternalError for namespaces \"team\" (injected fault)");
    assertThat(Fault.error(500).status("GET", "/version?timeout=5s").getMessage())
        .isEqualTo("InternalError for GET /version (injected fault)");
    Status expired =
        Fault.watchExpired()
            .status("GET", "/api/v1/namespaces/team/pods?watch=true&resourceVersion=41");
    assertThat(expired.getCode()).isEqualTo(410);
    assertThat(expired.getReason()).isEqualTo("Expired");
    assertThat(expired.getMessage()).startsWith("too old resource version: 41");
  }

  @Test
  void eachKindTakesOnlyItsOwnSettings() {
    assertThat(Fault.dropWatch(0).performsRequest()).isTrue();
    assertThat(Fault.dropWatch(0).onlyForWatches()).isTrue();
    assertThat(Fault.watchExpired().performsRequest()).isFalse();
    assertThat(Fault.conflict().onlyForWatches()).isFalse();
    assertThatThrownBy(() -> Fault.dropWatch(-1)).hasMessageContaining("never fewer than 0");
    assertThatThrownBy(() -> new Fault(Fault.Kind.LATE_ANSWER, 500, Duration.ZERO, 0))
        .hasMessageContaining("has status code 0, not 500");
    assertThatThrownBy(() -> new Fault(Fault.Kind.DROPPED_WATCH, 0, Duration.ofSeconds(1), 3))
        .hasMessageContaining("is not held");
  }
}
