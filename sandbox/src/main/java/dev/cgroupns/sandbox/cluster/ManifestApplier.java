package dev.cgroupns.sandbox.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Creates or updates the objects of a manifest file, as a plain {@code kubectl apply -f} would. */
public final class ManifestApplier {

  private final KubernetesClient client;

  public ManifestApplier(KubernetesClient client) {
    this.client = client;
  }

  /**
   * @return the objects as stored
   */
  public List<HasMetadata> apply(Path manifest) {
    List<HasMetadata> applied = new ArrayList<>();
    try (InputStream in = Files.newInputStream(manifest)) {
      for (HasMetadata item : client.load(in).items()) {
        applied.add(client.resource(item).createOr(NonDeletingOperation::update));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return applied;
  }

  /** Deletes the objects of a manifest file, ignoring those already gone. */
  public void delete(Path manifest) {
    try (InputStream in = Files.newInputStream(manifest)) {
      client.load(in).delete();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
