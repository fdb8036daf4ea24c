package dev.cgroupns.operator.events;

import dev.cgroupns.operator.naming.Names;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events with fabric8, deduplicated twice: in memory (the same object, reason and
 * message are sent once while remembered) and on the server (the event name derives from the same
 * triple, so a second operator replica or a restart gets a conflict instead of a duplicate).
 */
public final class KubernetesEventRecorder implements EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  static final String COMPONENT = "cgroup-isolation-operator";
  static final int MAX_MESSAGE = 1024;
  private static final int REMEMBERED = 10_000;

  private final KubernetesClient client;
  private final RecentEvents recent = new RecentEvents(REMEMBERED);

  public KubernetesEventRecorder(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public void normal(HasMetadata involved, String reason, String message) {
    record(involved, "Normal", reason, message);
  }

  @Override
  public void warning(HasMetadata involved, String reason, String message) {
    record(involved, "Warning", reason, message);
  }

  private void record(HasMetadata involved, String type, String reason, String message) {
    var meta = involved.getMetadata();
    String text =
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
    String key = meta.getUid() + "|" + type + "|" + reason + "|" + text;
    if (!recent.firstTime(key)) {
      return;
    }
    String now =
        DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(eventName(meta.getName(), key))
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(involved.getApiVersion())
                    .withKind(involved.getKind())
                    .withName(meta.getName())
                    .withNamespace(meta.getNamespace())
                    .withUid(meta.getUid())
                    .withResourceVersion(meta.getResourceVersion())
                    .build())
            .withType(type)
            .withReason(reason)
            .withMessage(text)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return; // already recorded by another replica or before a restart
      }
      recent.forget(key);
      LOG.warn(
          "could not record event {} on {}/{}: {}",
          reason,
          meta.getNamespace(),
          meta.getName(),
          e.getMessage());
    } catch (RuntimeException e) {
      recent.forget(key);
      LOG.warn(
          "could not record event {} on {}/{}", reason, meta.getNamespace(), meta.getName(), e);
    }
  }

  /** {@code <object>.<hash>}: valid, unique per (object, type, reason, message), within 253. */
  static String eventName(String objectName, String key) {
    return Names.trimEnd(objectName, 200) + "." + Names.shortHash(key, 16);
  }
}
