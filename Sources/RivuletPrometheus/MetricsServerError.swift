// MetricsServerError: why the metrics endpoint could not start.

/// The metrics endpoint could not start (bad setting, port in use…).
public struct MetricsServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
