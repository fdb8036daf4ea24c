package dev.cgroupns.sandbox.apiserver;

/**
 * One column of a server-side table, as a CRD's additionalPrinterColumns entry describes it.
 *
 * @param name the header kubectl prints (upper-cased by kubectl)
 * @param type OpenAPI type: string, integer, number, boolean or date
 * @param description shown by {@code kubectl explain}-like tools; may be empty
 * @param priority 0 for the default view, higher for {@code -o wide} only
 * @param path the compiled JSONPath, or null for the Name column
 */
public record PrinterColumn(
    String name, String type, String description, int priority, SimpleJsonPath path) {

  /** The Name column every table starts with. */
  public static PrinterColumn nameColumn() {
    return new PrinterColumn("Name", "string", "Name must be unique within a namespace.", 0, null);
  }

  /** The Age column of kinds without printer columns, as the API server adds it for CRDs. */
  public static PrinterColumn ageColumn() {
    return new PrinterColumn(
        "Age",
        "date",
        "CreationTimestamp is the time the object was created.",
        0,
        SimpleJsonPath.compile(".metadata.creationTimestamp"));
  }
}
