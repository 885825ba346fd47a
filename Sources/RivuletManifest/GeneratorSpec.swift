// GeneratorSpec: the settings of a deterministic record generator source.

/// A generator source's settings: how many records, from which seed, over how many keys, how fast.
public struct GeneratorSpec: Sendable, Hashable {
    /// How many records to produce (>= 0).
    public var count: Int
    /// The seed of the deterministic sequence (default 1).
    public var seed: UInt64
    /// How many distinct keys the records spread over (>= 1, default 100).
    public var keys: Int
    /// Records per second; nil produces them as fast as possible.
    public var rate: Double?

    /// Creates generator settings.
    public init(count: Int, seed: UInt64 = 1, keys: Int = 100, rate: Double? = nil) {
        self.count = count
        self.seed = seed
        self.keys = keys
        self.rate = rate
    }
}
