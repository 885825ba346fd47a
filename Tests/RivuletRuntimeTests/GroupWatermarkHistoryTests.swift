// GroupWatermarkHistoryTests: what a per-group operator records of its groups' watermarks at each rise of its own.
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot
import Testing

/// A group instance that only follows its watermark.
private final class Follower: KeyGroupStateOperator {
    let name = "follower"
    func process(_ batch: RecordBatch, port: Int) throws {}
    func advanceWatermark(to watermark: Int64) throws {}
    func finish() throws {}
    func close() {}
    func snapshotState(into snapshot: inout OperatorSnapshot, checkpoint: UInt64) throws {}
    func restoreState(from restore: OperatorRestore) throws {}
    func adopt(_ restore: OperatorRestore, group: Int) throws {}
    func drop(groups: Set<Int>) {}
}

/// A repartition writer downstream marks each group with the entry of the watermark it heard: a group
/// taken over behind the node's watermark is recorded with its own (lower) watermark — marking it with
/// the node's would make its replayed results late downstream — and a writer never gets a group's
/// watermark newer than the node's watermark it heard.
@Suite struct GroupWatermarkHistoryTests {
    @Test func aGroupTakenOverBehindTheNodeIsRecordedWithItsOwnWatermark() throws {
        nonisolated(unsafe) var current: [Int: Int64] = [0: 100, 1: 200]
        let port = OutputPort(name: "out", schema: Schema([FieldDefinition(name: "k", type: .string)]), batchCapacity: 8)
        let node = PerGroupOperator(
            name: "w", ports: ["out": port], groupWatermark: { current[$0] ?? .min }, make: { _ in (Follower(), [:]) })
        let restore = OperatorRestore(instance: 0, parallelism: 1, keyGroups: KeyGroups(), snapshots: [])
        try node.adopt(restore, group: 0)
        try node.adopt(restore, group: 1)
        try node.advance()
        #expect(node.groupWatermarks.groups(asOf: 100) == [0: 100, 1: 200])
        current[0] = 300
        try node.advance()
        #expect(node.groupWatermarks.groups(asOf: 200) == [0: 300, 1: 200])
        // Group 2 arrives (a partition taken over) far behind: the node's watermark stays at 200 and
        // nothing new is recorded, so no writer marks group 2 yet.
        current[2] = 50
        try node.adopt(restore, group: 2)
        try node.advance()
        #expect(node.groupWatermarks.groups(asOf: .max) == [0: 300, 1: 200])
        // It catches up: the next rise records it with its own watermark.
        current[2] = 250
        current[1] = 260
        try node.advance()
        #expect(node.groupWatermarks.groups(asOf: 250) == [0: 300, 1: 260, 2: 250])
        // A writer that has heard only 199 gets the groups as of 100; before any rise, nothing.
        #expect(node.groupWatermarks.groups(asOf: 199) == [0: 100, 1: 200])
        #expect(node.groupWatermarks.groups(asOf: 99) == nil)
    }

    @Test func anOldEntryIsForgottenOnlyPastTheCapacity() {
        let history = GroupWatermarkHistory()
        for w in 1...1_024 { history.record(told: Int64(w), groups: [0: Int64(w)]) }
        #expect(history.groups(asOf: 1) == [0: 1])
        history.record(told: 1_025, groups: [0: 1_025])
        // A quarter went: a writer that far behind marks nothing (safe) rather than a newer watermark.
        #expect(history.groups(asOf: 1) == nil)
        #expect(history.groups(asOf: 300) == [0: 300])
        #expect(history.groups(asOf: 5_000) == [0: 1_025])
    }
}
