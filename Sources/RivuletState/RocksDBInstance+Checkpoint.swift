// RocksDBInstance+Checkpoint: a task's database saved into a checkpoint (RocksDB's Checkpoint API), and put back.
import CRocksDB
import Foundation

extension RocksDBInstance {
    /// Saves the database into `directory` (which must not exist; its parent must) with RocksDB's
    /// Checkpoint API: the write batch in flight is committed first, the memtables are flushed
    /// (`log_size_for_flush` 0), then SST files are hard-linked into `directory` (copied when it is on
    /// another file system) and the MANIFEST, CURRENT and OPTIONS files copied. Returns the names of the
    /// files in `directory`.
    ///
    /// A failure (a full disk, an I/O error) throws naming the database's stores and both paths; RocksDB
    /// removes what it had written, and the live database is left as it was — usable — unless the commit
    /// itself failed (then it is not written again, as after any failed write).
    public func checkpoint(into directory: String) throws(StoreError) -> [String] {
        guard !closed else { throw StoreError(store: storeLabel, "RocksDB at \(path) is closed: no checkpoint can be taken") }
        if openIterators > 0 {
            throw StoreError(
                store: storeLabel,
                "RocksDB at \(path)\(storesInParentheses): a scan is still open at the checkpoint, so the writes it holds back cannot be committed into it; close every iterator before the batch ends"
            )
        }
        try commit()
        var err: UnsafeMutablePointer<CChar>? = nil
        guard let cp = rocksdb_checkpoint_object_create(db, &err) else {
            throw failed("cannot start a checkpoint", into: directory, err)
        }
        defer { rocksdb_checkpoint_object_destroy(cp) }
        rocksdb_checkpoint_create(cp, directory, 0, &err)
        if err != nil { throw failed("checkpoint failed", into: directory, err) }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw StoreError(store: storeLabel, "cannot list the checkpoint of RocksDB at \(path) in \(directory): \(error.localizedDescription)")
        }
    }

    private func failed(_ what: String, into directory: String, _ err: UnsafeMutablePointer<CChar>?) -> StoreError {
        let message = err.map { String(cString: $0) } ?? "unknown error"
        err.map { free($0) }
        return StoreError(
            store: storeLabel,
            "RocksDB at \(path)\(storesInParentheses): \(what) into \(directory): \(message); the live database is unchanged")
    }

    /// Removes column family `name` and all it holds, if the database has it (a store about to be restored
    /// from a checkpoint: what it holds is newer than the checkpoint). Before any store of this run uses it.
    public func dropFamily(_ name: String) throws(StoreError) {
        guard let handle = families[name] else { return }
        var err: UnsafeMutablePointer<CChar>? = nil
        rocksdb_drop_column_family(db, handle, &err)
        if let e = err {
            defer { free(e) }
            throw StoreError(store: name, "cannot clear the column family in \(path) before restoring it: \(String(cString: e))")
        }
        rocksdb_column_family_handle_destroy(handle)
        families[name] = nil
    }

    /// Makes the database folder `live` a copy of the RocksDB checkpoint in `checkpoint`, before the
    /// database is opened: SST files are hard-linked (they are immutable, so the live database and the
    /// checkpoint share them safely; a copy when a link is refused, e.g. across file systems), every other
    /// file is copied (the live database writes its own MANIFEST, WAL and CURRENT). Built beside `live`
    /// and renamed over it, so a crash leaves either the old folder or the new one. Refused while another
    /// process holds the database open.
    public static func install(checkpoint: String, as live: String) throws(StoreError) {
        if isLocked(live) {
            throw StoreError(store: live, "cannot restore RocksDB at \(live) from \(checkpoint): another run holds the database open")
        }
        let staging = live + ".restoring"
        let files = FileManager.default
        do {
            if files.fileExists(atPath: staging) { try files.removeItem(atPath: staging) }
            try files.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for name in try files.contentsOfDirectory(atPath: checkpoint) where name != "LOCK" && !name.hasPrefix("LOG") {
                let from = "\(checkpoint)/\(name)", to = "\(staging)/\(name)"
                if name.hasSuffix(".sst") && link(from, to) == 0 { continue }
                try files.copyItem(atPath: from, toPath: to)
            }
            if files.fileExists(atPath: live) { try files.removeItem(atPath: live) }
            try files.moveItem(atPath: staging, toPath: live)
        } catch {
            try? files.removeItem(atPath: staging)
            throw StoreError(store: live, "cannot restore RocksDB at \(live) from the checkpoint in \(checkpoint): \(error.localizedDescription)")
        }
    }

    /// Whether another process holds the database in `folder` open (RocksDB's fcntl lock on `LOCK`).
    static func isLocked(_ folder: String) -> Bool {
        let fd = open(folder + "/LOCK", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }
}

/// A RocksDB checkpoint (or any database folder) opened read-only, to read its column families' entries:
/// a restore at another parallelism, or into another backend. RocksDB's info log goes to a temporary
/// folder, so the checkpoint is not written to.
public final class RocksDBCheckpointReader {
    public let path: String
    /// The column families, `default` included.
    public let families: [String]
    private let db: OpaquePointer
    private let options: OpaquePointer
    private let readOptions: OpaquePointer
    private var handles: [String: OpaquePointer] = [:]
    private let logFolder: String
    private var closed = false

    public init(path: String) throws(StoreError) {
        self.path = path
        logFolder = NSTemporaryDirectory() + "rivulet-rocksdb-read-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: logFolder, withIntermediateDirectories: true)
        let options = rocksdb_options_create()!
        rocksdb_options_set_info_log_level(options, 4)
        rocksdb_options_set_db_log_dir(options, logFolder)
        var err: UnsafeMutablePointer<CChar>? = nil
        var count = 0
        var names: [String] = []
        if let list = rocksdb_list_column_families(options, path, &count, &err) {
            names = (0..<count).map { String(cString: list[$0]!) }
            rocksdb_list_column_families_destroy(list, count)
        }
        if let e = err {
            let message = String(cString: e)
            free(e)
            rocksdb_options_destroy(options)
            try? FileManager.default.removeItem(atPath: logFolder)
            throw StoreError(store: path, "cannot read the RocksDB checkpoint in \(path): \(message)")
        }
        var cnames = names.map { strdup($0) }
        defer { cnames.forEach { free($0) } }
        var cfOptions = [OpaquePointer?](repeating: options, count: names.count)
        var opened = [OpaquePointer?](repeating: nil, count: names.count)
        let handle = cnames.withUnsafeMutableBufferPointer { n in
            cfOptions.withUnsafeMutableBufferPointer { o in
                opened.withUnsafeMutableBufferPointer { h in
                    n.withMemoryRebound(to: UnsafePointer<CChar>?.self) { np in
                        rocksdb_open_for_read_only_column_families(
                            options, path, Int32(names.count), np.baseAddress, o.baseAddress, h.baseAddress, 0, &err)
                    }
                }
            }
        }
        guard let handle else {
            let message = err.map { String(cString: $0) } ?? "unknown error"
            err.map { free($0) }
            rocksdb_options_destroy(options)
            try? FileManager.default.removeItem(atPath: logFolder)
            throw StoreError(store: path, "cannot open the RocksDB checkpoint in \(path): \(message)")
        }
        db = handle
        self.options = options
        readOptions = rocksdb_readoptions_create()
        families = names
        for (name, h) in zip(names, opened) { handles[name] = h }
    }

    /// Calls `body` with every entry of column family `family` in key order (nothing if there is no such
    /// family). The bytes are valid during the call only.
    public func forEach(
        family: String, _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard let handle = handles[family] else { return }
        let it = rocksdb_create_iterator_cf(db, readOptions, handle)!
        defer { rocksdb_iter_destroy(it) }
        rocksdb_iter_seek_to_first(it)
        while rocksdb_iter_valid(it) != 0 {
            var klen = 0, vlen = 0
            let k = UnsafeRawBufferPointer(start: rocksdb_iter_key(it, &klen), count: klen)
            let v = UnsafeRawBufferPointer(start: rocksdb_iter_value(it, &vlen), count: vlen)
            try body(k, v)
            rocksdb_iter_next(it)
        }
        var err: UnsafeMutablePointer<CChar>? = nil
        rocksdb_iter_get_error(it, &err)
        if let e = err {
            defer { free(e) }
            throw StoreError(store: family, "reading the RocksDB checkpoint in \(path) failed: \(String(cString: e))")
        }
    }

    public func close() {
        guard !closed else { return }
        closed = true
        for h in handles.values { rocksdb_column_family_handle_destroy(h) }
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_close(db)
        rocksdb_options_destroy(options)
        try? FileManager.default.removeItem(atPath: logFolder)
    }

    deinit { close() }
}
