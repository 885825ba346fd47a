// OperatorContext+Time: the watermark, the host clock, and event- and processing-time timers.
internal import CRivulet

extension OperatorContext {
    /// The instance's event-time watermark (ms), Int64.min before the first one, Int64.max at the end.
    public var watermark: Int64 { api.pointee.current_watermark(ctx) }

    /// The host's processing-time clock (ms since the epoch).
    public var processingTime: Int64 { api.pointee.processing_time(ctx) }

    /// Asks for `onTimer` when `domain`'s time reaches `time`, for `key`. A timer is (domain, time, key):
    /// registering it twice is one timer. Event-time timers fire as the watermark passes them (all of
    /// them at the end of input); processing-time ones on the host clock.
    public func registerTimer(_ domain: TimeDomain, at time: Int64, key: some Collection<UInt8>) throws {
        try withBytes(of: key) {
            try check(api.pointee.timer_register(ctx, domain.rawValue, time, $0.baseAddress, UInt64($0.count)), "timer_register")
        }
    }

    /// A timer without a key.
    public func registerTimer(_ domain: TimeDomain, at time: Int64) throws {
        try registerTimer(domain, at: time, key: EmptyCollection<UInt8>())
    }

    /// Removes the timer registered with the same arguments (nothing happens if there is none).
    public func deleteTimer(_ domain: TimeDomain, at time: Int64, key: some Collection<UInt8>) throws {
        try withBytes(of: key) { try check(api.pointee.timer_delete(ctx, domain.rawValue, time, $0.baseAddress, UInt64($0.count)), "timer_delete") }
    }

    public func deleteTimer(_ domain: TimeDomain, at time: Int64) throws {
        try deleteTimer(domain, at: time, key: EmptyCollection<UInt8>())
    }
}

/// Calls `body` with `bytes` as contiguous memory: in place when they are (arrays, native strings' UTF-8,
/// buffers), else from a copy.
@inline(__always)
func withBytes<C: Collection<UInt8>, R>(of bytes: C, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try bytes.withContiguousStorageIfAvailable(body) { return r }
    return try Array(bytes).withUnsafeBufferPointer(body)
}
