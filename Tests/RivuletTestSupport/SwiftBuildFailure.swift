// SwiftBuildFailure: a nested `swift` command of a test failed, with its output.

/// A nested `swift` command failed.
public struct SwiftBuildFailure: Error, CustomStringConvertible {
    public let command: String
    public let output: String
    public var description: String { "\(command) failed:\n\(output)" }
}
