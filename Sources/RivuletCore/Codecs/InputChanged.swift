// InputChanged: a file source's input was truncated or replaced while it was being read.

/// The file being read shrank below what was already read (truncated, or rewritten in place), or its path
/// names another file by the time its end is reached (replaced), so what is left to read — or what was
/// read — is not one version of the file. The run fails with this message rather than pass on torn lines.
public struct InputChanged: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// Bytes read from the file when the change was seen.
    public let bytesRead: Int64
    /// The file's size then.
    public let sizeNow: Int64
    /// Physical lines completely read before it.
    public let lines: Int
    /// The path names another file (or none) now; otherwise the file shrank or was rewritten.
    public let replaced: Bool
    /// The file's first bytes are not what was read (rewritten in place).
    public let rewritten: Bool

    public init(path: String, bytesRead: Int64, sizeNow: Int64, lines: Int, replaced: Bool, rewritten: Bool = false) {
        self.path = path
        self.bytesRead = bytesRead
        self.sizeNow = sizeNow
        self.lines = lines
        self.replaced = replaced
        self.rewritten = rewritten
    }

    public var description: String {
        let what =
            replaced
            ? "was replaced (its path names another file now) while it was read"
            : rewritten
                ? "was rewritten in place while it was read (its first bytes changed)"
                : "shrank from at least \(bytesRead) to \(sizeNow) bytes while it was read (truncated or rewritten in place)"
        return "\(path): the input \(what); stopped after line \(lines): a file source's input may grow while it is read, never change"
    }
}
