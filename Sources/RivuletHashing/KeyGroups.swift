// KeyGroups: keys hashed into a fixed number of key groups, and key groups into ranges, one per parallel instance.

/// Flink's key groups: a key's group is `hash mod maxParallelism`, fixed for the life of the job; instance
/// `i` of `n` owns the contiguous range of groups `[i·max/n, (i+1)·max/n)`. Keyed state is saved per key
/// group, so a checkpoint taken with n instances restores into m instances by handing each new instance
/// the groups of its range. Partitioning records by the same function keeps each key with its state.
public struct KeyGroups: Sendable, Hashable {
    /// Flink's default: enough groups for 128 instances.
    public static let defaultMaxParallelism = 128
    /// The most any manifest may set (a key group is saved as 16 bits).
    public static let largestMaxParallelism = 32768

    public let maxParallelism: Int

    public init(maxParallelism: Int = KeyGroups.defaultMaxParallelism) {
        precondition(maxParallelism >= 1 && maxParallelism <= Self.largestMaxParallelism, "max parallelism out of range")
        self.maxParallelism = maxParallelism
    }

    /// The key group of a key whose FNV-1a hash is `hash`.
    @inlinable @inline(__always)
    public func group(ofHash hash: UInt64) -> Int { Int(hash % UInt64(maxParallelism)) }

    /// The instance (of `parallelism`) that owns key group `group`.
    @inlinable @inline(__always)
    public func instance(ofGroup group: Int, parallelism: Int) -> Int { group * parallelism / maxParallelism }

    /// The instance (of `parallelism`) that owns the key whose hash is `hash`.
    @inlinable @inline(__always)
    public func instance(ofHash hash: UInt64, parallelism: Int) -> Int {
        instance(ofGroup: group(ofHash: hash), parallelism: parallelism)
    }

    /// The key groups instance `instance` of `parallelism` owns.
    public func groups(ofInstance instance: Int, parallelism: Int) -> Range<Int> {
        // The inverse of `instance(ofGroup:)`: the smallest g with g·p/max ≥ i is ⌈i·max/p⌉.
        let lower = (instance * maxParallelism + parallelism - 1) / parallelism
        let upper = ((instance + 1) * maxParallelism + parallelism - 1) / parallelism
        return lower..<min(upper, maxParallelism)
    }
}
