// WindowOperator: host-driven event-time windows: assigns records, fires on watermarks, emits results.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing

/// Groups records by key into tumbling, hopping, sliding or session windows by event time, folds them
/// into aggregates, and emits one record per key and window: `[key,] window_start, window_end, results…`
/// with event time `window_end − 1`.
///
/// Time follows Flink's per-record rule: before each record, the operator's watermark rises to the one
/// the record carries (the watermark of its stream just before it, capped by the operator's other inputs);
/// a window `[s, e)` fires when the watermark reaches `e − 1 + grace`, in order of (end, start, key). A
/// record whose windows have all fired is late: it leaves through the `late` port (or, if that is not
/// connected, the dead letters) — never silently dropped. `emit: final` emits each window once when it
/// fires; `emit: update` emits on every change (`+I`, then `-U`/`+U` pairs; `-D` for sessions merged away)
/// and nothing when the window closes. The end of input fires every open window.
///
/// A checkpoint saves its open windows per key, in the key's key group, and its watermark and counters
/// (`WindowOperator+Checkpoint.swift`, docs/WINDOWS.md "Checkpoints").
public final class WindowOperator: StreamOperator {
    public let name: String
    let kind: WindowKind
    let grace: Int64
    let mode: EmitMode
    let grouping: WindowGrouping
    let aggregates: [WindowAggregate]
    /// Byte offset of each aggregate's accumulator within a slot.
    let offsets: [Int]
    /// What `add` does per aggregate, as plain values (no ARC, no dynamic dispatch for count and sums).
    let addSteps: UnsafeMutablePointer<AddStep>
    public let out: OutputPort
    public let late: OutputPort
    /// Where late records go when `late` is not connected.
    public let deadLetters: DeadLetterRoute
    let inputSchema: Schema
    /// How keys map to key groups, for the keyed state of checkpoints (the routing of partitioned edges).
    public let keyGroups: KeyGroups

    let keys = KeyTable()
    let slab: AccumulatorSlab
    // The `@exclusivity(unchecked)` properties are per-record state, used by the operator's thread only: they
    // skip the runtime's dynamic exclusivity checks, ~75 instructions per access (docs/ARCHITECTURE.md).
    @exclusivity(unchecked) var entries: [WindowEntry] = []
    @exclusivity(unchecked) var queue = FireQueue()
    /// The operator's event-time watermark.
    @exclusivity(unchecked) public internal(set) var watermark = Int64.min
    /// The last watermark passed downstream.
    @exclusivity(unchecked) var propagated = Int64.min
    /// Benchmarks (`rivulet bench` with a latency recorder): results carry the source position of the
    /// record that last raised the watermark or changed a window, so the latency probe measures each
    /// result from the due time of the record that completed (or updated) it. Otherwise results have no
    /// position (partition and offset -1), as new records.
    @exclusivity(unchecked) public var stampsResultPositions = false
    @exclusivity(unchecked) var resultPosition: (partition: Int32, offset: Int64) = (-1, -1)
    /// The watermark written on emitted records (the one before the advance that fired them).
    @exclusivity(unchecked) var emissionWatermark = Int64.min
    /// Aligned windows (tumbling, hopping) by key and start; plus the last one used per key (a cache).
    @exclusivity(unchecked) var aligned: [AlignedWindowID: Int32] = [:]
    @exclusivity(unchecked) var lastStart: [Int64] = []
    @exclusivity(unchecked) var lastEntry: [Int32] = []
    /// Session windows: the live sessions of each key.
    @exclusivity(unchecked) var sessions: [[Int32]] = []
    /// Sliding windows: each key's panes (records of one distinct time) and windows, by time, ascending.
    @exclusivity(unchecked) var panes: [[(time: Int64, entry: Int32)]] = []
    @exclusivity(unchecked) var slidingWindows: [[(time: Int64, entry: Int32)]] = []
    /// Live windows and panes of each key: a key whose count falls to 0 is forgotten (its id reused), so
    /// memory follows the open windows, not every key ever seen.
    @exclusivity(unchecked) var keyEntries: [Int32] = []
    /// Windows fired and emitted, records routed late.
    @exclusivity(unchecked) public internal(set) var windowsFired = 0
    @exclusivity(unchecked) public internal(set) var lateRecords = 0
    /// Windows and panes held now (their accumulators): bounded by what the watermark has not closed.
    public var openEntries: Int { slab.inUse }

    public init(
        name: String, kind: WindowKind, grace: Int64, mode: EmitMode, keyField: Int?, keyName: String?,
        inputSchema: Schema, aggregates: [(name: String, aggregate: WindowAggregate)], batchCapacity: Int,
        deadLetters: DeadLetterRoute, keyGroups: KeyGroups = KeyGroups()
    ) {
        self.name = name
        self.keyGroups = keyGroups
        self.deadLetters = deadLetters
        self.kind = kind
        self.grace = grace
        self.mode = mode
        self.inputSchema = inputSchema
        grouping = WindowGrouping(field: keyField, name: keyName, type: keyField.map { inputSchema.fields[$0].type } ?? .string)
        self.aggregates = aggregates.map(\.aggregate)
        var offsets: [Int] = []
        var size = 0
        for a in self.aggregates {
            offsets.append(size)
            size += (a.size + 15) & ~15
        }
        self.offsets = offsets
        addSteps = .allocate(capacity: max(1, offsets.count))
        for (a, aggregate) in self.aggregates.enumerated() {
            (addSteps + a).initialize(to: AddStep(aggregate, index: a, offset: offsets[a]))
        }
        slab = AccumulatorSlab(stride: size)
        var schema = Schema()
        if let keyField { schema.append(FieldDefinition(name: keyName ?? "key", type: inputSchema.fields[keyField].type)) }
        schema.append(FieldDefinition(name: "window_start", type: .timestamp))
        schema.append(FieldDefinition(name: "window_end", type: .timestamp))
        for a in aggregates { schema.append(FieldDefinition(name: a.name, type: a.aggregate.resultType)) }
        out = OutputPort(name: "out", schema: schema, batchCapacity: batchCapacity)
        late = OutputPort(name: "late", schema: inputSchema, batchCapacity: batchCapacity)
    }

    // MARK: StreamOperator

    public func process(_ batch: RecordBatch, port: Int) throws {
        try process(batch, port: port, watermarkCap: .max)
    }

    public func process(_ batch: RecordBatch, port: Int, watermarkCap: Int64) throws {
        if watermarkCap != .max { late.setWatermarkCap(watermarkCap) }
        defer { if watermarkCap != .max { late.setWatermarkCap(.max) } }
        for j in 0..<batch.count {
            let before = batch.watermarkBefore(j)
            let w = before < watermarkCap ? before : watermarkCap
            if w > watermark { try advance(to: w) }
            let record = batch.record(at: j)
            if stampsResultPositions { resultPosition = (record.pointee.partition, record.pointee.offset) }
            try assign(record, batch, j)
        }
    }

    public func advanceWatermark(to w: Int64) throws {
        if w > watermark { try advance(to: w) }
        // Per-record advances may already have reached w; downstream still needs to hear of it.
        guard w > propagated else { return }
        propagated = w
        try out.advanceWatermark(to: w)
        try late.advanceWatermark(to: w)
    }

    public func finish() throws {
        try advance(to: .max)
        try out.flush()
        try late.flush()
    }

    public func close() {}

    deinit { addSteps.deallocate() }

    // MARK: Time

    /// Raises the watermark to `w` and fires every window now due.
    func advance(to w: Int64) throws {
        emissionWatermark = watermark
        watermark = w
        if queue.nextTime <= w { try fireDue() }
        emissionWatermark = w
    }

    private func fireDue() throws {
        var due: [Int32] = []
        while !queue.isEmpty && queue.nextTime <= watermark {
            let item = queue.pop()
            let e = entries[Int(item.entry)]
            if e.live && e.generation == item.generation { due.append(item.entry) }
        }
        due.sort { a, b in
            let x = entries[Int(a)], y = entries[Int(b)]
            if x.end != y.end { return x.end < y.end }
            if x.start != y.start { return x.start < y.start }
            if x.key != y.key { return keys.precedes(x.key, y.key) }
            // One key's pane and window alike (sliding, size 1): a total order all the same, so the
            // order does not depend on the queue's (a restored queue is built anew).
            return !x.isPane && y.isPane
        }
        for e in due {
            if entries[Int(e)].isPane {
                closed(e)
                continue
            }
            if mode == .final { try emit(e, op: RV_OP_INSERT) }
            windowsFired += 1
            closed(e)
        }
    }

    /// A window is due: forget it in the kind's index, then free it.
    func closed(_ e: Int32) {
        let entry = entries[Int(e)]
        switch kind {
        case .tumbling, .hopping:
            aligned.removeValue(forKey: AlignedWindowID(key: entry.key, start: entry.start))
        case .session:
            sessions[Int(entry.key)].removeAll { $0 == e }
        case .sliding:
            if entry.isPane {
                panes[Int(entry.key)].removeAll { $0.entry == e }
            } else {
                slidingWindows[Int(entry.key)].removeAll { $0.entry == e }
            }
        }
        free(e)
    }

    /// Whether window `[start, end)` has fired (or would have, had it existed).
    @inline(__always)
    func hasFired(end: Int64) -> Bool {
        end &- 1 &+ grace <= watermark
    }

    // MARK: Windows and accumulators

    /// A new live window of `key` over `[start, end)` with initialized accumulators, queued to fire.
    func newWindow(key: Int32, start: Int64, end: Int64, queued: Bool = true) throws -> Int32 {
        let slot = slab.allocate()
        let acc = slab.pointer(slot)
        for (a, aggregate) in aggregates.enumerated() { try aggregate.initialize(acc + offsets[a]) }
        let entry = WindowEntry(key: key, start: start, end: end, generation: 0, live: true, emitted: false, isPane: !queued)
        keyEntries[Int(key)] += 1
        if Int(slot) == entries.count {
            entries.append(entry)
        } else {
            let generation = entries[Int(slot)].generation &+ 1
            entries[Int(slot)] = entry
            entries[Int(slot)].generation = generation
        }
        if queued { schedule(slot) }
        return slot
    }

    /// Queues window `e` to fire at its current end − 1 + grace (or at `time`).
    func schedule(_ e: Int32, at time: Int64? = nil) {
        let entry = entries[Int(e)]
        queue.push(FireQueue.Item(time: time ?? entry.end &- 1 &+ grace, entry: e, generation: entry.generation))
    }

    func free(_ e: Int32) {
        let acc = slab.pointer(e)
        for (a, aggregate) in aggregates.enumerated() { aggregate.release(acc + offsets[a]) }
        entries[Int(e)].live = false
        entries[Int(e)].generation &+= 1
        slab.free(e)
        let k = entries[Int(e)].key
        keyEntries[Int(k)] -= 1
        forgetKeyIfUnused(k)
    }

    /// Forgets key `k` when none of its windows or panes is live (also after a late record of a key
    /// that opened nothing): its per-key state is reset for the next key that gets its id.
    func forgetKeyIfUnused(_ k: Int32) {
        guard keyEntries[Int(k)] == 0 else { return }
        lastStart[Int(k)] = .min
        lastEntry[Int(k)] = -1
        sessions[Int(k)] = []
        panes[Int(k)] = []
        slidingWindows[Int(k)] = []
        keys.remove(k)
    }

    /// Keys held now (for tests of bounded memory), and the key table's capacities.
    public var liveKeys: Int { keys.liveCount }
    public var keyCapacities: (entries: Int, slots: Int, bytes: Int) { keys.capacities }

    @inline(__always)
    func add(_ record: UnsafePointer<rv_record>, to e: Int32) throws {
        let acc = slab.pointer(e)
        for a in 0..<offsets.count {
            switch addSteps[a] {
            case .count(let offset):
                (acc + offset).storeBytes(of: (acc + offset).load(as: Int64.self) &+ 1, as: Int64.self)
            case .sumInteger(let field, let offset):
                let f = record.pointee.fields[field]
                if f.type == FieldType.i64.rawValue || f.type == FieldType.timestamp.rawValue {
                    (acc + offset).storeBytes(of: (acc + offset).load(as: Int64.self) &+ f.value.i64, as: Int64.self)
                    (acc + offset + 8).storeBytes(of: (acc + offset + 8).load(as: Int64.self) &+ 1, as: Int64.self)
                }
            case .generic(let index, let offset):
                try aggregates[index].add(acc + offset, record)
            }
        }
    }

    /// Folds window `other`'s accumulators into `into`'s.
    func merge(_ other: Int32, into e: Int32) throws {
        let acc = slab.pointer(e), from = slab.pointer(other)
        for (a, aggregate) in aggregates.enumerated() { try aggregate.merge(acc + offsets[a], from + offsets[a]) }
    }

    /// Adds `record` to window `e`, emitting the change in `update` mode.
    @inline(__always)
    func update(_ e: Int32, with record: UnsafePointer<rv_record>) throws {
        if mode == .final {
            try add(record, to: e)
            return
        }
        let wasEmitted = entries[Int(e)].emitted
        if wasEmitted { try emit(e, op: RV_OP_UPDATE_BEFORE) }
        try add(record, to: e)
        try emit(e, op: wasEmitted ? RV_OP_UPDATE_AFTER : RV_OP_INSERT)
        entries[Int(e)].emitted = true
    }

    /// Grows the per-key arrays to hold key `k`.
    @inline(__always)
    func ensureKey(_ k: Int32) {
        while lastStart.count <= Int(k) {
            lastStart.append(.min)
            lastEntry.append(-1)
            sessions.append([])
            panes.append([])
            slidingWindows.append([])
            keyEntries.append(0)
        }
    }

    // MARK: Output

    /// Emits window `e`'s current result with `op`.
    func emit(_ e: Int32, op: UInt32) throws {
        let entry = entries[Int(e)]
        let batch = try out.batchForAppending()
        let i = batch.appendEmpty(timestamp: entry.end &- 1, partition: resultPosition.partition, offset: resultPosition.offset)
        grouping.write(entry.key, from: keys, into: batch, index: i)
        var f = grouping.field == nil ? 0 : 1
        batch.setField(i, f, .timestamp(entry.start))
        batch.setField(i, f + 1, .timestamp(entry.end))
        f += 2
        let acc = slab.pointer(e)
        for (a, aggregate) in aggregates.enumerated() {
            let r = try aggregate.result(acc + offsets[a])
            if let type = FieldType(rawValue: r.type), type.isBytesLike {
                batch.setBytesField(i, f + a, type: type, r.value.ptr, count: Int(r.len))
            } else {
                batch.setField(i, f + a, r)
            }
        }
        batch.setOp(i, op)
        batch.setWatermarkBefore(i, emissionWatermark)
        out.didAppend()
    }

    /// Routes a record none of whose windows is open any more.
    func routeLate(_ batch: RecordBatch, _ j: Int, windowEnd: Int64) throws {
        lateRecords += 1
        if late.isConnected {
            try late.forward(from: batch, index: j)
        } else {
            let t = batch.record(at: j).pointee.timestamp
            try deadLetters.send(
                batch.record(at: j), schema: inputSchema,
                reason: "late record (event time \(t)): its window ending at \(windowEnd) closed at watermark \(watermark) (grace \(grace) ms)")
        }
    }

    // MARK: Assignment

    @inline(__always)
    func assign(_ record: UnsafePointer<rv_record>, _ batch: RecordBatch, _ j: Int) throws {
        switch kind {
        case .tumbling(let size): try assignTumbling(record, batch, j, size: size)
        case .hopping(let size, let advance): try assignHopping(record, batch, j, size: size, advance: advance)
        case .session(let gap): try assignSession(record, batch, j, gap: gap)
        case .sliding(let size): try assignSliding(record, batch, j, size: size)
        }
    }
}

/// floor(t / size) · size, for negative t too.
@inline(__always)
func alignedStart(_ t: Int64, _ size: Int64) -> Int64 {
    let r = t % size
    return r < 0 ? t - r - size : t - r
}
