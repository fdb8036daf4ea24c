package dev.cgroupns.operator.events;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records Kubernetes Events; never throws, because an event is a courtesy, not the work. */
public interface EventRecorder {

  void normal(HasMetadata involved, String reason, String message);

  void warning(HasMetadata involved, String reason, String message);
}
