// PasswordSpec: where a password is read when the topology is planned: an environment variable or a file.

/// A password is never written in a manifest: the manifest names where to read it, and the planner
/// reads it (so `describe` and error messages never hold it).
public struct PasswordSpec: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `password_env: NAME`: the environment variable NAME.
        case environment(String)
        /// `password_file: path` (absolute here; relative to the manifest when written): the file's text
        /// without its trailing line break.
        case file(String)
    }

    public var source: Source
    /// Where `password_env` or `password_file` is written.
    public var location: SourceLocation

    public init(source: Source, location: SourceLocation) {
        self.source = source
        self.location = location
    }
}
