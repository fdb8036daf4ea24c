package dev.cgroupns.testbed.node;

import java.nio.file.Path;

/**
 * containerd's configuration (version 3) for one node: every path of its own (root, state, sockets,
 * NRI, CNI configuration) so it shares nothing with a containerd the host may run, the cgroupfs
 * driver with Debian's runc, Debian's CNI plugins, our own pause image, and no imports of the
 * host's configuration.
 */
public final class ContainerdConfig {

  private ContainerdConfig() {}

  public static String render(NodeLayout node, Path runc, Path cniBinaries) {
    return render(node, runc, cniBinaries, NriValidation.NONE);
  }

  /** The configuration, with containerd's NRI validator set as {@code validation} says. */
  public static String render(
      NodeLayout node, Path runc, Path cniBinaries, NriValidation validation) {
    return """
        version = 3
        root = '%s'
        state = '%s'
        imports = []

        [grpc]
          address = '%s'

        [plugins.'io.containerd.internal.v1.opt']
          path = '%s'

        [plugins.'io.containerd.image-verifier.v1.bindir']
          bin_dir = '%s'

        [plugins.'io.containerd.nri.v1.nri']
          disable = false
          socket_path = '%s'
          plugin_path = '%s'
          plugin_config_path = '%s'
        %s
        [plugins.'io.containerd.cri.v1.images']
          snapshotter = 'overlayfs'
          [plugins.'io.containerd.cri.v1.images'.pinned_images]
            sandbox = '%s'

        [plugins.'io.containerd.cri.v1.runtime']
          # Root here lacks CAP_SYS_RESOURCE: the kubelet's oomScoreAdj of -998 for sandboxes
          # would fail every pod ("can't get final child's PID from pipe: EOF").
          restrict_oom_score_adj = true
          # Network namespaces in the state directory, not /var/run/netns: stop unmounts them.
          netns_mounts_under_state_dir = true
          enable_cdi = false
          [plugins.'io.containerd.cri.v1.runtime'.containerd]
            default_runtime_name = 'runc'
            [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
              runtime_type = 'io.containerd.runc.v2'
              [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
                BinaryName = '%s'
                Root = '%s'
                SystemdCgroup = false
          [plugins.'io.containerd.cri.v1.runtime'.cni]
            bin_dirs = ['%s']
            conf_dir = '%s'
            max_conf_num = 1

        [plugins.'io.containerd.grpc.v1.cri']
          stream_server_address = '127.0.0.1'
          stream_server_port = '0'
        """
        .formatted(
            node.containerdRoot(),
            node.containerdState(),
            node.containerdSocket(),
            node.containerdOpt(),
            node.containerdOpt().resolve("image-verifier/bin"),
            node.nriSocket(),
            node.nriPlugins(),
            node.nriPluginConfig(),
            validation.toml(),
            PauseImage.REFERENCE,
            runc,
            node.runcRoot(),
            cniBinaries,
            node.cniConfDir());
  }
}
