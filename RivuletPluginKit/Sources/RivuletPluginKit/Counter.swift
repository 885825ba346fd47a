// Counter: a metrics counter of the operator instance, registered once, added to without locks.
internal import CRivulet

/// A counter the host exports with the instance's metrics (`rivulet run --metrics-port`, `bench`).
/// Get it once — `let converted = context.counter("converted")` in `init(context:)` — and `add` to it
/// per batch: adding is one atomic add in the host, thread-safe, no lookup and no lock. Valid until the
/// instance is destroyed.
public struct Counter {
    let api: UnsafePointer<rv_host_api>
    let ctx: OpaquePointer
    let handle: OpaquePointer?
    /// The counter's name.
    public let name: String

    /// Adds `delta` (may be negative).
    @inline(__always)
    public func add(_ delta: Int64 = 1) {
        api.pointee.counter_add(ctx, handle, delta)
    }
}
