// LookupStats: what a lookup operator did: cache hits and misses, round trips, their time, failures.

/// Counters of one lookup operator instance (written by its thread, read after the run).
public struct LookupStats: Sendable {
    public var hits = 0
    public var misses = 0
    public var roundTrips = 0
    public var roundTripNanoseconds: UInt64 = 0
    public var failedRecords = 0

    public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
    public var averageRoundTripMilliseconds: Double { roundTrips == 0 ? 0 : Double(roundTripNanoseconds) / Double(roundTrips) / 1e6 }
}
