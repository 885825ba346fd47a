// PluginCheckpointTests: plugin operators as CheckpointedOperators: the C plugin's own state (rv_std_c's
// running_total) and the Swift SDK's (the probe's sum) through snapshot/restore, timers saved as keyed
// entries and split by key group when rescaled, and the refusals (opaque bytes at another parallelism,
// another operator's state).
import CRivulet
import Foundation
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletPlugins
import RivuletSnapshot
import RivuletTestSupport
import Testing

@Suite struct PluginCheckpointTests {
    /// Receives what an output port flushes: each record's key and fields, as text.
    final class Collect: Edge {
        let name = "collect"
        var isFused: Bool { false }
        var rows: [(key: String, fields: [String])] = []
        func send(_ batch: RecordBatch) throws {
            for i in 0..<batch.count {
                let v = RecordView(batch.record(at: i))
                rows.append((String(decoding: v.key, as: UTF8.self), (0..<v.fieldCount).map { PluginCheckpointTests.text(v.field($0)) }))
            }
        }
        func sendWatermark(_ watermark: Int64) throws {}
        func sendEndOfStream() throws {}
        func sendBarrier(_ id: UInt64) throws {}
    }

    static func text(_ f: rv_field) -> String {
        switch f.type {
        case RV_TYPE_I64: return "\(f.value.i64)"
        case RV_TYPE_F64: return "\(f.value.f64)"
        case RV_TYPE_STRING: return String(decoding: UnsafeRawBufferPointer(start: f.value.ptr, count: Int(f.len)), as: UTF8.self)
        default: return "null"
        }
    }

    static let schema = Schema([FieldDefinition(name: "k", type: .string), FieldDefinition(name: "n", type: .i64)])

    /// A batch of `(key, n)` records keyed by `key`, all at event time `time`.
    static func batch(_ rows: [(String, Int64)], time: Int64 = 0) -> RecordBatch {
        let b = RecordBatch(schema: schema, capacity: max(1, rows.count))
        for (key, n) in rows {
            let r = b.appendEmpty(timestamp: time)
            b.setStringField(r, 0, key)
            b.setField(r, 1, .integer(n))
            var k = key
            k.withUTF8 { b.setKey(r, $0.baseAddress, count: $0.count) }
        }
        return b
    }

    /// An instance of `operatorName` of `plugin` reading `schema`, its first output collected.
    static func make(_ plugin: LoadedPlugin, _ operatorName: String, config: [(key: String, value: String)], name: String = "t") throws -> (
        PluginOperator, Collect
    ) {
        let info = try #require(plugin.operatorInfo(named: operatorName))
        let route = DeadLetterRoute(
            node: name, sink: JSONDeadLetterWriter(destination: "/dev/null", open: { try ByteWriter(path: "/dev/null") }), errorsPort: nil,
            inputSchema: schema)
        let op = try PluginOperator(
            name: name, plugin: plugin, info: info, config: config, inputSchemas: [schema], batchCapacity: 64, deadLetters: route)
        let collect = Collect()
        op.outputs[0].connect(collect)
        return (op, collect)
    }

    /// Each instance's snapshot file, as a checkpoint would hold it.
    static func snapshots(_ ops: [PluginOperator], checkpoint: UInt64 = 1) throws -> [DecodedOperatorSnapshot] {
        try ops.enumerated().map { i, op in
            var s = OperatorSnapshot()
            try op.snapshotState(into: &s, checkpoint: checkpoint)
            return try DecodedOperatorSnapshot(s.encoded(), name: "t#\(i)")
        }
    }

    static func restore(_ op: PluginOperator, _ snapshots: [DecodedOperatorSnapshot], instance: Int = 0, parallelism: Int = 1) throws {
        try op.restoreState(from: OperatorRestore(instance: instance, parallelism: parallelism, keyGroups: KeyGroups(), snapshots: snapshots))
    }

    /// The operator state a plugin operator saved: plugin, version, operator, whether it has a snapshot
    /// callback, and its own bytes.
    static func header(_ snapshot: DecodedOperatorSnapshot) throws -> (String, String, String, Bool, [UInt8]) {
        var r = SnapshotReader(snapshot.operatorState, name: snapshot.name)
        #expect(try r.readUInt16() == 1)
        let header = (try r.readString(), try r.readString(), try r.readString(), try r.readBool(), try r.readBytes())
        try r.expectEnd()
        return header
    }

    static func standardC() throws -> LoadedPlugin { try PluginLoader().load(path: try Fixtures.standardCPlugin()) }

    // MARK: The C plugin's own state

    /// rv_std_c's running_total keeps its total in plugin memory: the snapshot saves it with the plugin's
    /// name and version, a new instance restored from it goes on from the checkpoint's total (not from
    /// what the old instance added after it), and the instance is not rescalable once it wrote bytes.
    @Test func runningTotalGoesOnFromTheCheckpoint() throws {
        let plugin = try Self.standardC()
        let (first, out1) = try Self.make(plugin, "running_total", config: [("field", "n")])
        defer { first.close() }
        #expect(first.isRescalable, "nothing written yet")
        try first.process(Self.batch([("a", 1), ("b", 2), ("c", 3)]), port: 0)
        #expect(out1.rows.map(\.fields) == [["a", "1", "1"], ["b", "2", "3"], ["c", "3", "6"]])
        let saved = try Self.snapshots([first], checkpoint: 4)
        let (pluginName, version, operatorName, hasCallback, own) = try Self.header(saved[0])
        #expect(pluginName == "rv_std_c" && version == "1.0.0" && operatorName == "running_total" && hasCallback)
        #expect(own.count == 18 && own[0] == 1 && own[1] == UInt8(RV_TYPE_I64))
        #expect(saved[0].keyedEntryCount == 0)
        #expect(!first.isRescalable, "its own bytes cannot be split")
        try first.process(Self.batch([("d", 10)]), port: 0)
        #expect(out1.rows.last?.fields == ["d", "10", "16"])

        let (second, out2) = try Self.make(plugin, "running_total", config: [("field", "n")])
        defer { second.close() }
        try Self.restore(second, saved)
        #expect(second.restoredFromVersion == "1.0.0")
        #expect(!second.isRescalable)
        try second.process(Self.batch([("e", 4)]), port: 0)
        #expect(out2.rows.map(\.fields) == [["e", "4", "10"]], "6 at the checkpoint, plus 4")
    }

    /// Opaque bytes cannot be split: a checkpoint of running_total restores at its own parallelism only.
    @Test func ownStateIsNotRestoredAtAnotherParallelism() throws {
        let plugin = try Self.standardC()
        let ops = try (0..<2).map { _ in try Self.make(plugin, "running_total", config: [("field", "n")]).0 }
        defer { ops.forEach { $0.close() } }
        for op in ops { try op.process(Self.batch([("a", 5)]), port: 0) }
        let saved = try Self.snapshots(ops)
        let (fresh, _) = try Self.make(plugin, "running_total", config: [("field", "n")])
        defer { fresh.close() }
        #expect {
            try Self.restore(fresh, saved, instance: 0, parallelism: 3)
        } throws: {
            "\($0)".contains(
                "t: cannot restore at parallelism 3 a checkpoint taken at parallelism 2: instance 0 of operator 'running_total' (plugin 'rv_std_c' 1.0.0) saved 18 bytes of its own state, which cannot be split between instances"
            )
        }
    }

    /// State saved by one operator is not handed to another one; a plugin's restore that refuses the
    /// bytes fails the restore with its message.
    @Test func stateOfAnotherOperatorOrFormatIsRefused() throws {
        let plugin = try Self.standardC()
        let (total, _) = try Self.make(plugin, "running_total", config: [("field", "n")])
        defer { total.close() }
        try total.process(Self.batch([("a", 1)]), port: 0)
        let saved = try Self.snapshots([total])
        let (scale, _) = try Self.make(plugin, "scale", config: [("field", "n")])
        defer { scale.close() }
        #expect {
            try Self.restore(scale, saved)
        } throws: {
            "\($0)".contains("holds the state of operator 'running_total' of plugin 'rv_std_c' 1.0.0 for this node, but it now runs operator 'scale'")
        }
        // The same operator over an f64 field: the plugin's restore refuses an i64 total.
        let floats = Schema([FieldDefinition(name: "k", type: .string), FieldDefinition(name: "n", type: .f64)])
        let info = try #require(plugin.operatorInfo(named: "running_total"))
        let route = DeadLetterRoute(
            node: "f", sink: JSONDeadLetterWriter(destination: "/dev/null", open: { try ByteWriter(path: "/dev/null") }), errorsPort: nil,
            inputSchema: floats)
        let f = try PluginOperator(
            name: "f", plugin: plugin, info: info, config: [("field", "n")], inputSchemas: [floats], batchCapacity: 8, deadLetters: route)
        defer { f.close() }
        #expect {
            try Self.restore(f, saved)
        } throws: { "\($0)" == "f: restore returned RV_FATAL: running_total: the checkpoint's total is an i64 but the field is now an f64" }
    }

    // MARK: Timers

    /// Timers registered by a plugin are keyed entries (the group of the timer key): restored into one
    /// instance they fire as they would have; restored at another parallelism each fires in the instance
    /// owning its key's group, once.
    @Test func timersAreRestoredAndSplitByKeyGroup() throws {
        let plugin = try PluginLoader().load(path: try Fixtures.plugin("timers"))
        let keys = (0..<40).map { "key\($0)" }
        let (one, _) = try Self.make(plugin, "remind", config: [("delay", "100")])
        defer { one.close() }
        try one.process(Self.batch(keys.map { ($0, 1) }, time: 10), port: 0)
        let saved = try Self.snapshots([one])
        #expect(saved[0].keyedEntryCount == keys.count)
        let (_, _, _, hasCallback, own) = try Self.header(saved[0])
        #expect(!hasCallback && own.isEmpty)
        #expect(one.isRescalable, "no snapshot callback: all its state is keyed")

        let (same, out) = try Self.make(plugin, "remind", config: [("delay", "100")])
        defer { same.close() }
        try Self.restore(same, saved)
        try same.advanceWatermark(to: 109)
        #expect(out.rows.isEmpty)
        try same.advanceWatermark(to: 200)
        #expect(Set(out.rows.map(\.key)) == Set(keys) && out.rows.count == keys.count)
        #expect(out.rows.allSatisfy { $0.fields[1] == "110" })

        // Two instances (each with the keys records of its range bring) into three.
        let old = try (0..<2).map { i in try Self.make(plugin, "remind", config: [("delay", "100")], name: "t#\(i)").0 }
        defer { old.forEach { $0.close() } }
        for key in keys {
            var k = key
            let owner = k.withUTF8 { KeyGroups().instance(ofHash: FNV1a.hash(UnsafeRawBufferPointer($0)), parallelism: 2) }
            try old[owner].process(Self.batch([(key, 1)], time: 10), port: 0)
        }
        let split = try Self.snapshots(old)
        var fired: [String: Int] = [:]
        for i in 0..<3 {
            let (op, out) = try Self.make(plugin, "remind", config: [("delay", "100")], name: "t#\(i)")
            defer { op.close() }
            try Self.restore(op, split, instance: i, parallelism: 3)
            try op.advanceWatermark(to: 200)
            for row in out.rows {
                var k = row.key
                let owner = k.withUTF8 { KeyGroups().instance(ofHash: FNV1a.hash(UnsafeRawBufferPointer($0)), parallelism: 3) }
                #expect(owner == i, "\(row.key) fired in instance \(i)")
                fired[row.key, default: 0] += 1
            }
        }
        #expect(fired.count == keys.count && fired.values.allSatisfy { $0 == 1 })
    }

    // MARK: The Swift SDK

    /// The probe's `sum` keeps its total in a property (`snapshot`/`restore` of RivuletOperator); its
    /// `ticker` keeps only timers: the SDK's snapshot writes nothing for it, so it stays rescalable.
    @Test func swiftOperatorsSnapshotTheirOwnStateThroughTheSDK() throws {
        let plugin = try PluginLoader().load(path: try SwiftSDKPackageTests.probe().library)
        let config: [(key: String, value: String)] = [("", #"{"field": "n"}"#), ("field", "n")]
        let (sum, out1) = try Self.make(plugin, "sum", config: config)
        defer { sum.close() }
        try sum.process(Self.batch([("a", 5), ("b", 7)]), port: 0)
        #expect(out1.rows.map(\.fields) == [["5"], ["12"]])
        let saved = try Self.snapshots([sum])
        let (pluginName, version, _, hasCallback, own) = try Self.header(saved[0])
        #expect(pluginName == "sdk_probe" && version == "0.1.0" && hasCallback && own.count == 8)
        #expect(!sum.isRescalable)
        let (again, out2) = try Self.make(plugin, "sum", config: config)
        defer { again.close() }
        try Self.restore(again, saved)
        try again.process(Self.batch([("c", 1)]), port: 0)
        #expect(out2.rows.map(\.fields) == [["13"]])

        let tickerConfig: [(key: String, value: String)] = [("", #"{"after": 100}"#), ("after", "100")]
        let (ticker, _) = try Self.make(plugin, "ticker", config: tickerConfig)
        defer { ticker.close() }
        try ticker.process(Self.batch([("x", 1), ("y", 1)], time: 5), port: 0)
        let ticks = try Self.snapshots([ticker])
        let (_, _, _, tickerHasCallback, tickerOwn) = try Self.header(ticks[0])
        #expect(tickerHasCallback && tickerOwn.isEmpty, "the SDK always has the callback; it wrote nothing")
        #expect(ticker.isRescalable)
        #expect(ticks[0].keyedEntryCount == 2)
        var fired: [String] = []
        for i in 0..<2 {
            let (op, out) = try Self.make(plugin, "ticker", config: tickerConfig, name: "t#\(i)")
            defer { op.close() }
            try Self.restore(op, ticks, instance: i, parallelism: 2)
            try op.advanceWatermark(to: 1000)
            fired += out.rows.map(\.key)
        }
        #expect(fired.sorted() == ["x", "y"], "rescaled 1 → 2, each timer fired once")
    }
}
