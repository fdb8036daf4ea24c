package dev.cgroupns.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps only a trimmed copy of each object. Informers cache every object
 * they watch for the life of the process, so at cluster scale what is cached per object decides the
 * operator's memory (see the README's Scale section).
 */
final class TrimmingItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final UnaryOperator<T> trim;

  TrimmingItemStore(UnaryOperator<T> trim) {
    super(Cache::metaNamespaceKeyFunc);
    this.trim = trim;
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, trim.apply(obj));
  }
}
