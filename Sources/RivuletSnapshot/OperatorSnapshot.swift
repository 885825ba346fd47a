// OperatorSnapshot: what one operator instance saves in a checkpoint: its own state, and keyed entries by key group.
import RivuletHashing

/// The state of one operator instance at a checkpoint, in two parts:
/// - `operatorState`: state of the instance as a whole (a watermark, a plugin's own bytes);
/// - keyed entries, each tagged with the key group of its key (`KeyGroups`): per-key state that may move to
///   another instance when the checkpoint is restored with a different parallelism.
///
/// Encoded as one file: `RVOS`, format version (u16), operator state (length-prefixed), the number of keyed
/// entries (u64), then per entry its key group (u16) and its bytes (length-prefixed).
public struct OperatorSnapshot: Sendable {
    static let magic: [UInt8] = Array("RVOS".utf8)
    static let version: UInt16 = 1

    public var operatorState = SnapshotWriter()
    private var keyed = SnapshotWriter()
    public private(set) var keyedEntries = 0

    public init() {}

    /// Adds the state of one key, written by `body` (which only appends), in key group `group`. The entry
    /// is written in place, its length patched in after it: no buffer of its own per key.
    public mutating func addKeyed(group: Int, _ body: (inout SnapshotWriter) throws -> Void) rethrows {
        precondition(group >= 0 && group < KeyGroups.largestMaxParallelism, "key group out of range")
        let start = keyed.bytes.count
        keyed.write(UInt16(group))
        keyed.write(UInt32(0))
        do { try body(&keyed) } catch {
            keyed.truncate(to: start)
            throw error
        }
        let length = keyed.bytes.count - start - 6
        precondition(length <= Int(UInt32.max), "a keyed entry of \(length) bytes (at most 4 GiB)")
        keyed.patch(UInt32(length), at: start + 2)
        keyedEntries += 1
    }

    /// Makes room for about `bytes` of keyed entries (before adding many).
    public mutating func reserveKeyed(bytes: Int) { keyed.reserve(additional: bytes) }

    /// Whether nothing at all was saved.
    public var isEmpty: Bool { operatorState.bytes.isEmpty && keyedEntries == 0 }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        let (head, body) = encodedParts()
        return head + body
    }

    /// The file's bytes in two parts, to be written one after the other: the header with the operator
    /// state, then the keyed entries as they were built (not copied: a large state is written from where
    /// it was encoded).
    public func encodedParts() -> (head: [UInt8], keyed: [UInt8]) {
        var out = SnapshotWriter(reservingCapacity: 32 + operatorState.bytes.count)
        out.append(raw: UnsafeRawBufferPointer(start: Self.magic, count: 4))
        out.write(Self.version)
        out.write(bytes: operatorState.bytes)
        out.write(UInt64(keyedEntries))
        return (out.bytes, keyed.bytes)
    }
}

/// One instance's decoded snapshot file: its operator state and where each keyed entry lies.
public struct DecodedOperatorSnapshot: Sendable {
    public let name: String
    public let operatorState: [UInt8]
    let bytes: [UInt8]
    /// Each keyed entry's key group and byte range in `bytes`.
    let entries: [(group: Int, range: Range<Int>)]

    /// Decodes a file written from an `OperatorSnapshot`; `name` is for messages.
    public init(_ bytes: [UInt8], name: String) throws(SnapshotCorrupt) {
        var reader = SnapshotReader(bytes, name: name)
        guard try reader.readRaw(count: 4, "the file's magic") == OperatorSnapshot.magic else {
            throw SnapshotCorrupt(name, "not an operator snapshot (no RVOS magic)")
        }
        let version = try reader.readUInt16()
        guard version == OperatorSnapshot.version else {
            throw SnapshotCorrupt(name, "operator snapshot format \(version); this build reads format \(OperatorSnapshot.version)")
        }
        operatorState = try reader.readBytes()
        let count = try reader.readUInt64()
        // Each entry takes at least 6 bytes: a count beyond that is corrupt (and must not size an allocation).
        guard count <= UInt64(reader.remaining / 6) else { throw SnapshotCorrupt(name, "\(count) keyed entries cannot fit in the file") }
        var entries: [(group: Int, range: Range<Int>)] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            let group = Int(try reader.readUInt16())
            let length = Int(try reader.readUInt32())
            let start = reader.position
            try reader.skip(count: length, "a keyed entry")
            entries.append((group, start..<start + length))
        }
        try reader.expectEnd()
        self.entries = entries
        self.bytes = bytes
        self.name = name
    }

    public var keyedEntryCount: Int { entries.count }

    /// Calls `body` with every keyed entry, whatever its key group, in the order written (a reader of the
    /// file as a whole, e.g. a store's snapshot, which recomputes groups from its keys).
    public func forEachKeyed(_ body: (_ group: Int, _ entry: inout SnapshotReader) throws -> Void) rethrows {
        for (group, range) in entries {
            var reader = SnapshotReader(Array(bytes[range]), name: name)
            try body(group, &reader)
        }
    }
}

/// What an operator instance restores from: the snapshots the instances of the checkpointed run wrote,
/// with only the keyed entries of the key groups this instance owns now.
public struct OperatorRestore: Sendable {
    /// This instance and the operator's parallelism now, and when the checkpoint was taken.
    public let instance: Int
    public let parallelism: Int
    public let previousParallelism: Int
    public let keyGroups: KeyGroups
    /// One per instance of the checkpointed run, in instance order: with the same parallelism, only this
    /// instance's own; after rescaling, every old instance's (the operator merges them, e.g. the minimum watermark).
    public let operatorStates: [SnapshotReader]
    private let snapshots: [DecodedOperatorSnapshot]
    private let owned: Range<Int>

    /// `snapshots`: every old instance's file, in instance order.
    public init(instance: Int, parallelism: Int, keyGroups: KeyGroups, snapshots: [DecodedOperatorSnapshot]) {
        self.instance = instance
        self.parallelism = parallelism
        self.previousParallelism = snapshots.count
        self.keyGroups = keyGroups
        let mine = snapshots.count == parallelism ? [snapshots[instance]] : snapshots
        self.snapshots = mine
        operatorStates = mine.map { SnapshotReader($0.operatorState, name: $0.name) }
        // With the same parallelism the instance gets back everything it saved, whatever the groups of its
        // keys (state kept under a key that is not the record key, e.g. a timer of a keyless record, which
        // instance 0 receives): only a rescaled restore splits entries by group.
        owned = snapshots.count == parallelism ? 0..<keyGroups.maxParallelism : keyGroups.groups(ofInstance: instance, parallelism: parallelism)
    }

    /// Whether the checkpoint was taken with another parallelism.
    public var isRescaled: Bool { previousParallelism != parallelism }

    /// Calls `body` with each keyed entry of a key group this instance owns (with the same parallelism: every
    /// entry of its own snapshot), in the order written.
    public func forEachKeyed(_ body: (_ group: Int, _ entry: inout SnapshotReader) throws -> Void) throws {
        for snapshot in snapshots {
            for (group, range) in snapshot.entries where owned.contains(group) {
                var reader = SnapshotReader(Array(snapshot.bytes[range]), name: "\(snapshot.name) key group \(group)")
                try body(group, &reader)
            }
        }
    }

    /// Keyed entries this instance restores.
    public var keyedEntryCount: Int {
        snapshots.reduce(0) { total, s in total + s.entries.filter { owned.contains($0.group) }.count }
    }
}
