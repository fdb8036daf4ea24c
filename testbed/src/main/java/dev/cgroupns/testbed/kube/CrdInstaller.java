package dev.cgroupns.testbed.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Installs the CRDs of a directory through the API, as {@code kubectl apply -f crds/} would: every
 * CustomResourceDefinition document of every .yml/.yaml file is created, or updated if it exists.
 */
public final class CrdInstaller {

  private final KubernetesClient client;

  public CrdInstaller(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @return the names of the CRDs installed, in file order
   */
  public List<String> install(Path directory) {
    List<String> installed = new ArrayList<>();
    for (Path file : yamlFiles(directory)) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          if (item instanceof CustomResourceDefinition crd) {
            client.resource(crd).createOr(NonDeletingOperation::update);
            installed.add(crd.getMetadata().getName());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (installed.isEmpty()) {
      throw new IllegalStateException("no CustomResourceDefinition found in " + directory);
    }
    return installed;
  }

  private static List<Path> yamlFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().startsWith("kustomization."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
