// StoreSnapshot: what a checkpoint holds of one store instance (`stores/<instance>.state`), and how it is read back.
import Foundation
import RivuletHashing
import RivuletSnapshot

/// One store instance in a checkpoint: the file `stores/<instance name>.state`, in `OperatorSnapshot`'s
/// format. Its operator state says where the data is and where the changelog stood:
/// `format (u16) · instance name · backend (u8: 1 memory, 2 RocksDB) · RocksDB folder (relative to the
/// checkpoint; empty for memory) · whether the store has a changelog (bool) · its length (i64) · tail hash (u64)`.
/// A memory store's entries follow as keyed entries (`key · value`, each length-prefixed), tagged with
/// the key group of the **store key**: `KeyGroups.group(ofHash: FNV1a.hash(key))` — the hash records are
/// partitioned by, so state a plugin keeps under the record key (as the shipped plugins do) lands, after
/// rescaling, on the instance that receives that key's records. A RocksDB store's entries are in its
/// task's RocksDB checkpoint, column family `<instance name>`; a restore recomputes every key's group from
/// the key, whatever the tag says.
public struct StoreSnapshot: Sendable, Equatable {
    public static let format: UInt16 = 1

    public enum Backend: UInt8, Sendable {
        case memory = 1
        case rocksdb = 2
    }

    /// The store's instance name (`counts`, or `counts#2` at parallelism > 1): also its column family.
    public var store: String
    public var backend: Backend
    /// The RocksDB checkpoint folder holding a RocksDB store, relative to the checkpoint (`rocksdb/<task>`).
    public var rocksDBFolder: String?
    /// Where the store's changelog stood (nil: the store has none).
    public var changelog: ChangelogPosition?

    public init(store: String, backend: Backend, rocksDBFolder: String? = nil, changelog: ChangelogPosition? = nil) {
        self.store = store
        self.backend = backend
        self.rocksDBFolder = rocksDBFolder
        self.changelog = changelog
    }

    /// The path of the file of store instance `instanceName` inside a checkpoint.
    public static func path(of instanceName: String) -> String { "stores/\(instanceName).state" }

    /// The file of a RocksDB store: the header only.
    public func encoded() -> [UInt8] {
        var snapshot = OperatorSnapshot()
        writeHeader(&snapshot.operatorState)
        return snapshot.encoded()
    }

    /// The file of a memory store: the header and every entry, grouped by `keyGroups`.
    public func encoded(entries store: MemoryStore, keyGroups: KeyGroups) -> [UInt8] {
        var snapshot = OperatorSnapshot()
        writeHeader(&snapshot.operatorState)
        store.forEachEntry { key, value in
            snapshot.addKeyed(group: keyGroups.group(ofHash: FNV1a.hash(key))) { entry in
                entry.write(bytes: key)
                entry.write(bytes: value)
            }
        }
        return snapshot.encoded()
    }

    private func writeHeader(_ w: inout SnapshotWriter) {
        w.write(Self.format)
        w.write(store)
        w.write(backend.rawValue)
        w.write(rocksDBFolder ?? "")
        w.write(changelog != nil)
        w.write(changelog?.length ?? 0)
        w.write(changelog?.tailHash ?? 0)
    }
}

/// A store instance's file read back: its header and, for a memory store, its entries.
public struct DecodedStoreSnapshot: Sendable {
    public let header: StoreSnapshot
    let file: DecodedOperatorSnapshot

    /// Decodes the bytes of `stores/<instance>.state`; `name` (the file's path) is for messages.
    public init(_ bytes: [UInt8], name: String) throws(SnapshotCorrupt) {
        file = try DecodedOperatorSnapshot(bytes, name: name)
        var r = SnapshotReader(file.operatorState, name: name)
        let format = try r.readUInt16()
        guard format == StoreSnapshot.format else {
            throw SnapshotCorrupt(name, "store snapshot format \(format); this build reads format \(StoreSnapshot.format)")
        }
        let store = try r.readString()
        let rawBackend = try r.readUInt8()
        guard let backend = StoreSnapshot.Backend(rawValue: rawBackend) else { throw SnapshotCorrupt(name, "unknown store backend \(rawBackend)") }
        let folder = try r.readString()
        let logged = try r.readBool()
        let length = try r.readInt(in: 0...Int.max, "the changelog length")
        let tail = try r.readUInt64()
        try r.expectEnd()
        if backend == .rocksdb && folder.isEmpty { throw SnapshotCorrupt(name, "a RocksDB store without its checkpoint folder") }
        header = StoreSnapshot(
            store: store, backend: backend, rocksDBFolder: folder.isEmpty ? nil : folder,
            changelog: logged ? ChangelogPosition(length: length, tailHash: tail) : nil)
    }

    /// Reads the file at `path`; a missing, unreadable or corrupt file throws naming it.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SnapshotCorrupt(path, "cannot read the store snapshot (missing or unreadable)")
        }
        try self.init([UInt8](data), name: path)
    }

    /// Entries of a memory store's file.
    public var entryCount: Int { file.keyedEntryCount }

    /// Calls `body` with every entry of a memory store's file, in the order written.
    public func forEachEntry(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws {
        try file.forEachKeyed { _, entry in
            let key = try entry.readBytes()
            let value = try entry.readBytes()
            try entry.expectEnd()
            try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(k, v) } }
        }
    }
}
