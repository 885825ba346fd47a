// SourceKind: where a source's records come from.

/// What a source reads: a file, standard input, or a generator.
public enum SourceKind: Sendable, Hashable {
    /// A file; the path is absolute (relative paths are resolved against the manifest's folder).
    case file(path: String)
    /// Standard input.
    case stdin
    /// Deterministically generated records.
    case generator(GeneratorSpec)
}
