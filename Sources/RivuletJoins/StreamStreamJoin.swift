// StreamStreamJoin: records of two streams with the same key whose times are at most `within` apart.
import CRivulet
import RivuletCore
import RivuletExecution
import RivuletHashing
import RivuletSnapshot

/// In event-time order (left first on equal times), a record is paired with every buffered record of the
/// other side with the same key and |Δt| ≤ `within` (pairs in the other side's arrival order), then
/// buffered itself. A buffered record expires when the merged clock passes its time + within + grace;
/// left and outer joins then emit it unmatched, with NULLs for the other side (outer: both sides). The end
/// of input emits what is still unmatched. Output: left fields, then right fields; its time is the later
/// of the two (or the unmatched record's). Checkpoints save the held records of both sides per key (keyed
/// by the join key), the records waiting for the watermark and the count of pairs.
public final class StreamStreamJoin: JoinOperator {
    struct Held {
        let time: Int64
        let row: [UInt8]
        let key: [UInt8]
        let sequence: Int
        var matched: Bool
    }

    let kind: JoinKind
    let within: Int64
    let grace: Int64
    let keys: [Int]
    let counts: [Int]
    /// Per side: key → records held, in arrival order.
    private var held: [[[UInt8]: [Held]]] = [[:], [:]]
    /// Per side: (expiry time, key, sequence) in arrival order — times only grow, so expiry is ordered.
    private var expiries: [[(time: Int64, key: [UInt8], sequence: Int)]] = [[], []]
    private var expiryStart = [0, 0]
    private var sequence = 0
    private var buffer: [UInt8] = []
    public private(set) var pairs = 0

    public init(
        name: String, kind: JoinKind, left: Schema, right: Schema, leftKey: Int, rightKey: Int,
        within: Int64, grace: Int64, batchCapacity: Int, deadLetters: DeadLetterRoute, keyGroups: KeyGroups = KeyGroups()
    ) {
        self.kind = kind
        self.within = within
        self.grace = grace
        keys = [leftKey, rightKey]
        counts = [left.count, right.count]
        let joined = JoinOperator.joinedSchema(left: left, right: right, skip: [])
        super.init(
            name: name, outputSchema: joined.schema, left: left, right: right, rightFirstOnTies: false, batchCapacity: batchCapacity,
            deadLetters: deadLetters, keyFields: [leftKey, rightKey], keyGroups: keyGroups)
    }

    override func handle(_ record: UnsafePointer<rv_record>, port: Int, batch: RecordBatch, index: Int) throws {
        let t = record.pointee.timestamp
        try expire(before: t)
        let key = RowCodec.key(record, field: keys[port])
        guard let key else {
            // A record without a key pairs with nothing: it can only leave unmatched.
            if kind == .outer || (kind == .left && port == 0) {
                RowCodec.encode(record, fields: Array(0..<counts[port]), into: &buffer)
                try emitUnmatched(Held(time: t, row: buffer, key: [], sequence: -1, matched: false), side: port)
            }
            return
        }
        RowCodec.encode(record, fields: Array(0..<counts[port]), into: &buffer)
        let row = buffer
        let other = 1 - port
        var matched = false
        if var partners = held[other][key] {
            for p in partners.indices where abs(partners[p].time - t) <= within {
                matched = true
                partners[p].matched = true
                try emitPair(port == 0 ? row : partners[p].row, port == 0 ? partners[p].row : row, time: max(t, partners[p].time))
            }
            held[other][key] = partners
        }
        held[port][key, default: []].append(Held(time: t, row: row, key: key, sequence: sequence, matched: matched))
        expiries[port].append((t &+ within &+ grace, key, sequence))
        sequence += 1
    }

    /// Drops held records that can match nothing any more (expiry < t), emitting unmatched ones as asked,
    /// in order of expiry (then left before right).
    private func expire(before t: Int64) throws {
        while true {
            var side = -1
            for s in 0...1 where expiryStart[s] < expiries[s].count && expiries[s][expiryStart[s]].time < t {
                if side < 0 || expiries[s][expiryStart[s]].time < expiries[side][expiryStart[side]].time { side = s }
            }
            guard side >= 0 else { break }
            let e = expiries[side][expiryStart[side]]
            expiryStart[side] += 1
            if var list = held[side][e.key], let at = list.firstIndex(where: { $0.sequence == e.sequence }) {
                let h = list.remove(at: at)
                held[side][e.key] = list.isEmpty ? nil : list
                if !h.matched && (kind == .outer || (kind == .left && side == 0)) { try emitUnmatched(h, side: side) }
            }
            if expiryStart[side] > 4096 {
                expiries[side].removeFirst(expiryStart[side])
                expiryStart[side] = 0
            }
        }
    }

    override func finishState() throws {
        try expire(before: .max)
    }

    override func clockAdvanced(to time: Int64) throws {
        try expire(before: time &+ 1)
    }

    /// Held records may still leave unmatched at their own time (left and outer joins).
    override func heldBack() -> Int64 {
        guard kind != .inner else { return .max }
        var earliest = Int64.max
        for s in 0...1 where expiryStart[s] < expiries[s].count {
            earliest = min(earliest, expiries[s][expiryStart[s]].time &- within &- grace)
        }
        return earliest == .max ? .max : earliest - 1
    }

    private func emitPair(_ left: [UInt8], _ right: [UInt8], time: Int64) throws {
        pairs += 1
        let (out, i) = try newOutput(time: time)
        left.withUnsafeBytes { RowCodec.decode($0, count: counts[0], into: out, index: i, first: 0) }
        right.withUnsafeBytes { RowCodec.decode($0, count: counts[1], into: out, index: i, first: counts[0]) }
        self.out.didAppend()
    }

    private func emitUnmatched(_ h: Held, side: Int) throws {
        let (out, i) = try newOutput(time: h.time)
        if side == 0 {
            h.row.withUnsafeBytes { RowCodec.decode($0, count: counts[0], into: out, index: i, first: 0) }
            RowCodec.decode(nil, count: counts[1], into: out, index: i, first: counts[0])
        } else {
            RowCodec.decode(nil, count: counts[0], into: out, index: i, first: 0)
            h.row.withUnsafeBytes { RowCodec.decode($0, count: counts[1], into: out, index: i, first: counts[0]) }
        }
        self.out.didAppend()
    }

    // MARK: Checkpoints

    /// The keyed entry of one key's held records on one side.
    static let heldTag: UInt8 = 1

    override var snapshotKind: UInt8 { JoinCheckpoint.streamStream << 4 | kind.checkpointCode }

    override func saveInstanceState(into writer: inout SnapshotWriter) {
        writer.write(pairs)
        writer.write(sequence)
    }

    override func restoreInstanceState(from reader: inout SnapshotReader, keepCounters: Bool) throws {
        let savedPairs = try reader.readInt(in: 0...Int.max, "the count of pairs")
        let savedSequence = try reader.readInt(in: 0...Int.max, "the next held record's sequence")
        if keepCounters { pairs += savedPairs }
        // Sequences tell apart a key's held records, which all come from one old instance.
        sequence = max(sequence, savedSequence)
    }

    /// Per side and key, its held records in arrival order (the order it pairs them in), each with its
    /// time, sequence, whether it found a partner, and its row. The expiry queue is rebuilt from them.
    override func saveKeyedState(into snapshot: inout OperatorSnapshot) throws {
        for side in 0...1 {
            for (key, list) in held[side] {
                snapshot.addKeyed(group: JoinCheckpoint.group(ofKey: key, keyGroups)) { w in
                    w.write(Self.heldTag)
                    w.write(UInt8(side))
                    w.write(bytes: key)
                    w.write(list.count)
                    for h in list {
                        w.write(h.time)
                        w.write(h.sequence)
                        w.write(h.matched)
                        w.write(bytes: h.row)
                    }
                }
            }
        }
    }

    override func restoreKeyed(tag: UInt8, group: Int, from reader: inout SnapshotReader) throws {
        guard tag == Self.heldTag else { return try super.restoreKeyed(tag: tag, group: group, from: &reader) }
        let side = Int(try reader.readUInt8())
        guard side == 0 || side == 1 else { throw SnapshotCorrupt(reader.name, "held records of side \(side)") }
        let key = try JoinCheckpoint.readKey(&reader)
        try JoinCheckpoint.expect(group: group, JoinCheckpoint.group(ofKey: key, keyGroups), in: reader.name)
        // Each held record takes at least 21 bytes: a larger count is corrupt (and must not size an array).
        let count = try reader.readInt(in: 1...max(1, reader.remaining / 21), "the count of a key's held records")
        var list: [Held] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let time = try reader.readInt64()
            let sequence = try reader.readInt(in: 0...Int.max, "a held record's sequence")
            let matched = try reader.readBool()
            let row = try JoinCheckpoint.readRow(&reader, count: counts[side], "a held record")
            list.append(Held(time: time, row: row, key: key, sequence: sequence, matched: matched))
            // New arrivals come after every restored one (an instance adopting a group has no saved counter).
            self.sequence = max(self.sequence, sequence + 1)
        }
        held[side][key, default: []].append(contentsOf: list)
    }

    /// The expiry queue of each side: its held records in arrival order. Times only grow along one
    /// instance's arrivals, so (time, sequence) order is that order — and merges several old instances'.
    override func didRestoreKeyedState() throws {
        for side in 0...1 {
            var all: [(time: Int64, key: [UInt8], sequence: Int)] = []
            for (key, list) in held[side] {
                for h in list { all.append((h.time, key, h.sequence)) }
            }
            all.sort { a, b in a.time != b.time ? a.time < b.time : a.sequence < b.sequence }
            expiries[side] = all.map { ($0.time &+ within &+ grace, $0.key, $0.sequence) }
            expiryStart[side] = 0
        }
    }
}
