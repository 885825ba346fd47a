// TableOperator+KeyGroups: a Kafka application's table, one per key group, its rows saved as that group's keyed entries.
import RivuletExecution
import RivuletSnapshot

/// In a Kafka application a table runs once per partition of its repartition topic (`PerGroupOperator`):
/// every row an instance holds is of its key group (`keyedGroup`), and its checkpoint saves the rows as
/// keyed entries of that group — key, then the stored row — which the changelog topic carries to the
/// process that takes the partition over (`adopt`).
extension TableOperator: KeyGroupStateOperator {
    /// Adds the rows of `restore` (one key group's) to the table.
    public func adopt(_ restore: OperatorRestore, group: Int) throws {
        try restore.forEachKeyed { _, reader in
            let key = try reader.readBytes()
            let stored = try reader.readBytes()
            try reader.expectEnd()
            guard stored.count >= 4 else { throw SnapshotCorrupt(reader.name, "a table row of \(stored.count) bytes") }
            try key.withUnsafeBytes { k in try stored.withUnsafeBytes { try store.put(k, $0) } }
        }
        try store.commit()
    }

    /// Never partial: `PerGroupOperator` closes an instance with the one group it holds.
    public func drop(groups: Set<Int>) {}

    /// Every row, as a keyed entry of `group`.
    func snapshotRows(into snapshot: inout OperatorSnapshot, group: Int) throws {
        let rows = try store.scan(from: [], to: nil)
        defer { rows.close() }
        while let (key, value) = rows.next() {
            snapshot.addKeyed(group: group) { w in
                w.write(bytes: key)
                w.write(bytes: value)
            }
        }
    }
}
