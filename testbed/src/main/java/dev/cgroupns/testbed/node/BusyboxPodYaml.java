package dev.cgroupns.testbed.node;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Pod manifest for the real node's tests: one busybox container from the node's own image, pinned
 * to the node, never pulled, no service-account token, optionally privileged and optionally with
 * the host's /sys/fs/cgroup by hostPath (the classic exposure), to apply with kubectl.
 */
public final class BusyboxPodYaml {
  private BusyboxPodYaml() {}

  /**
   * @param labels flat labels (may be empty)
   * @param command the container's command, each element free of double quotes
   */
  public static String render(
      String name,
      String nodeName,
      Map<String, String> labels,
      List<String> command,
      boolean privileged,
      boolean hostCgroupfs) {
    String labelMap =
        labels.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", ", "{", "}"));
    String commandList =
        command.stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", ", "[", "]"));
    String yaml =
        """
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          labels: %s
        spec:
          nodeName: %s
          terminationGracePeriodSeconds: 1
          automountServiceAccountToken: false
          containers:
          - name: main
            image: %s
            imagePullPolicy: Never
            command: %s
            securityContext:
              privileged: %s
        """
            .formatted(name, labelMap, nodeName, BusyboxImage.REFERENCE, commandList, privileged);
    if (hostCgroupfs) {
      yaml +=
          """
              volumeMounts:
              - name: cgroupfs
                mountPath: /host/sys/fs/cgroup
                readOnly: true
            volumes:
            - name: cgroupfs
              hostPath:
                path: /sys/fs/cgroup
                type: Directory
          """;
    }
    return yaml;
  }
}
