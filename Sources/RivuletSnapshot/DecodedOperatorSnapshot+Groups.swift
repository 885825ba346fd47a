// DecodedOperatorSnapshot+Groups: one snapshot's keyed entries split into a snapshot per key group.

extension DecodedOperatorSnapshot {
    /// For each key group with entries, an encoded `OperatorSnapshot` holding only those entries (and no
    /// operator state): what a Kafka changelog keeps per partition.
    public func splitByGroup() -> [Int: [UInt8]] {
        var parts: [Int: OperatorSnapshot] = [:]
        for (group, range) in entries {
            bytes.withUnsafeBytes { all in
                parts[group, default: OperatorSnapshot()].addKeyed(group: group) { w in
                    w.append(raw: UnsafeRawBufferPointer(rebasing: all[range]))
                }
            }
        }
        return parts.mapValues { $0.encoded() }
    }
}
