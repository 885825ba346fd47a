// DecodedOperatorSnapshot+Groups: one snapshot's keyed entries split into a snapshot per key group.

extension DecodedOperatorSnapshot {
    /// For each of `groups`, an encoded `OperatorSnapshot` holding only that group's keyed entries (none,
    /// if it has none), with `operatorState(group)` as its operator state: what a Kafka changelog keeps
    /// per partition.
    public func splitByGroup(_ groups: [Int], operatorState: (Int) -> [UInt8]) -> [Int: [UInt8]] {
        var parts: [Int: OperatorSnapshot] = [:]
        for group in groups {
            var part = OperatorSnapshot()
            part.operatorState.append(raw: operatorState(group).withUnsafeBytes { UnsafeRawBufferPointer($0) })
            parts[group] = part
        }
        for (group, range) in entries where parts[group] != nil {
            bytes.withUnsafeBytes { all in
                parts[group]!.addKeyed(group: group) { w in w.append(raw: UnsafeRawBufferPointer(rebasing: all[range])) }
            }
        }
        return parts.mapValues { $0.encoded() }
    }
}
