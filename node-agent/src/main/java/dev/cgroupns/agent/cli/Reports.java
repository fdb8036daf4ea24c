package dev.cgroupns.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cgroupns.agent.discovery.ContainerCgroup;
import dev.cgroupns.agent.inspect.ApiViewMapper;
import dev.cgroupns.agent.inspect.CgroupMountView;
import dev.cgroupns.agent.inspect.ContainerInspection;
import dev.cgroupns.agent.isolate.IsolationOutcome;
import dev.cgroupns.agent.proc.CgroupLine;
import dev.cgroupns.agent.proc.ProcessIdentity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Renders results for people (text) and for programs (JSON). Pure. */
final class Reports {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  static String inspectionText(ContainerInspection i, Optional<ContainerCgroup> container) {
    StringBuilder out = new StringBuilder();
    out.append(describe(i.process(), container)).append('\n');
    out.append("cgroup namespace: ")
        .append(
            switch (i.namespace()) {
              case PRIVATE -> "private";
              case HOST -> "the host's";
              case UNKNOWN -> "unknown";
            })
        .append(" (inode ")
        .append(i.cgroupNamespaceInode())
        .append(")\n");
    out.append("/proc/self/cgroup, as the container reads it:\n");
    for (CgroupLine line : i.seenCgroups()) {
      out.append("  ").append(line.render()).append('\n');
    }
    out.append("cgroupfs mounts, as the container sees them:\n");
    if (i.mounts().isEmpty()) {
      out.append("  (none)\n");
    }
    for (CgroupMountView m : i.mounts()) {
      out.append("  ")
          .append(m.mountPoint())
          .append("  ")
          .append(m.v2() ? "cgroup2" : "cgroup " + m.hierarchy())
          .append("  root ")
          .append(m.root())
          .append("  ")
          .append(m.readOnly() ? "ro" : "rw")
          .append("  ")
          .append(relationText(m))
          .append('\n');
    }
    out.append("summary: ")
        .append(i.exposesMore() ? "EXPOSES MORE than its own subtree" : "only its own subtree")
        .append(", mounts ")
        .append(i.mountState())
        .append('\n');
    return out.toString();
  }

  static String inspectionJson(ContainerInspection i, Optional<ContainerCgroup> container) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("process", process(i.process()));
    container.ifPresent(c -> json.put("container", container(c)));
    json.put("privateNamespace", i.namespace().asPrivateFlag());
    json.put("cgroupNamespaceInode", i.cgroupNamespaceInode());
    json.put("cgroupVersion", i.cgroupVersion());
    json.put("mountState", i.mountState());
    json.put("exposesMore", i.exposesMore());
    json.put("procSelfCgroup", i.seenCgroups().stream().map(CgroupLine::render).toList());
    json.put("hostCgroup", i.hostCgroups().stream().map(CgroupLine::render).toList());
    List<Map<String, Object>> mounts = new ArrayList<>();
    for (CgroupMountView m : i.mounts()) {
      Map<String, Object> mount = new LinkedHashMap<>();
      mount.put("mountPoint", m.mountPoint());
      mount.put("fsType", m.v2() ? "cgroup2" : "cgroup");
      mount.put("hierarchy", m.hierarchy());
      mount.put("root", m.root());
      mount.put("ownCgroup", m.ownCgroup());
      mount.put("readOnly", m.readOnly());
      mount.put("relation", m.relation());
      mount.put("exposesMore", m.exposesMore());
      mounts.add(mount);
    }
    json.put("mounts", mounts);
    json.put("view", ApiViewMapper.toView(i));
    json.put("note", IsolationOutcome.LIMITS);
    return write(json);
  }

  static String outcomeText(IsolationOutcome o, Optional<ContainerCgroup> container) {
    StringBuilder out = new StringBuilder();
    out.append(describe(o.process(), container)).append('\n');
    out.append(o.result().text()).append('\n');
    for (String change : o.changes()) {
      out.append("  ").append(change).append('\n');
    }
    for (String note : o.notes()) {
      out.append("  note: ").append(note).append('\n');
    }
    if (mentionsLimits(o)) {
      out.append(IsolationOutcome.LIMITS).append('\n');
    }
    return out.toString();
  }

  static String outcomeJson(IsolationOutcome o, Optional<ContainerCgroup> container, int exit) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("process", process(o.process()));
    container.ifPresent(c -> json.put("container", container(c)));
    json.put("result", o.result());
    json.put("message", o.result().text());
    json.put("changes", o.changes());
    json.put("notes", o.notes());
    json.put("exitCode", exit);
    if (mentionsLimits(o)) {
      json.put("note", IsolationOutcome.LIMITS);
    }
    return write(json);
  }

  static String errorJson(String message, int exit) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("error", message);
    json.put("exitCode", exit);
    return write(json);
  }

  private static boolean mentionsLimits(IsolationOutcome o) {
    return switch (o.result()) {
      case ISOLATED, ALREADY_ISOLATED, WOULD_CHANGE -> true;
      default -> false;
    };
  }

  private static String relationText(CgroupMountView m) {
    if (m.relation() == null) {
      return "relation to its own cgroup UNKNOWN";
    }
    return switch (m.relation()) {
      case OWN_SUBTREE -> "its own subtree";
      case NARROWER -> "part of its own subtree";
      case WIDER -> "SHOWS MORE than its own subtree";
      case ELSEWHERE -> "SHOWS OTHER cgroups";
    };
  }

  private static String describe(ProcessIdentity p, Optional<ContainerCgroup> container) {
    String process = "process " + p.pid() + " (start time " + p.startTime() + ")";
    return container
        .map(
            c ->
                process
                    + ", container "
                    + c.containerId()
                    + c.podUid().map(u -> ", pod " + u).orElse("")
                    + ", "
                    + c.driver().name().toLowerCase()
                    + " names")
        .orElse(process + ", no container recognised");
  }

  private static Map<String, Object> process(ProcessIdentity p) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("pid", p.pid());
    json.put("startTime", p.startTime());
    return json;
  }

  private static Map<String, Object> container(ContainerCgroup c) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("containerId", c.containerId());
    json.put("podUid", c.podUid().orElse(null));
    json.put("driver", c.driver());
    json.put("qos", c.qos().orElse(null));
    json.put("runtime", c.runtime());
    json.put("podCgroupPath", c.podCgroupPath());
    json.put("containerCgroupPath", c.containerCgroupPath());
    return json;
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
