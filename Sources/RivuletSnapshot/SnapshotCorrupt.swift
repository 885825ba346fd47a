// SnapshotCorrupt: a checkpoint's state cannot be read: truncated, from another format, or damaged.

/// Thrown when state read from a checkpoint does not make sense; names the file or section and what.
public struct SnapshotCorrupt: Error, CustomStringConvertible, Sendable {
    public let name: String
    public let message: String

    public init(_ name: String, _ message: String) {
        self.name = name
        self.message = message
    }

    public var description: String { "\(name): \(message)" }
}
