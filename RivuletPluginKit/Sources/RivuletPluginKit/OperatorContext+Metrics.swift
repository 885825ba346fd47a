// OperatorContext+Metrics: counters (registered once per name) and the host's log.
internal import CRivulet

extension OperatorContext {
    /// The instance's counter `name`, registered with the host on first use and remembered: keep the
    /// returned `Counter` and add to it.
    public func counter(_ name: String) -> Counter {
        if let c = counters[name] { return c }
        let c = Counter(api: api, ctx: ctx, handle: api.pointee.counter_register(ctx, name), name: name)
        counters[name] = c
        return c
    }

    /// Adds to the instance's counter `name` (a dictionary lookup; the host registers it once).
    public func count(_ name: String, by delta: Int64 = 1) {
        counter(name).add(delta)
    }

    /// Log levels of `log` (RV_LOG_*).
    public enum LogLevel: UInt32, Sendable { case debug = 0, info, warn, error }

    /// Writes a line to the host's log (the host copies it; thread-safe).
    public func log(_ message: String, level: LogLevel = .info) {
        api.pointee.log(ctx, level.rawValue, message)
    }
}
