/// Facts fixed when the binary was built, for provenance records.
public enum BuildInfo {
    /// The git commit of the checkout the binary was built from ("unknown" outside git).
    public static let commit = EmbeddedKernels.commit
}
