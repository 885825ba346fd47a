// RocksDBInstance: one RocksDB database per task, a column family per store, one write batch per commit.
import CRocksDB
import Foundation

/// A RocksDB database in `path` shared by the stores of one task: each store is a column family. Writes
/// of every store go to one indexed write batch (reads see them at once) that `commit()` writes
/// atomically — once per record batch. Options: create if missing, LZ4 if available, otherwise defaults
/// (docs/STATE.md). Used by the task's thread only.
///
/// Unsafe code: the C handles are owned here and destroyed in `close()` (column families before the
/// database); `StoreError`s carry RocksDB's message, whose C string is freed after copying.
public final class RocksDBInstance {
    public let path: String
    let db: OpaquePointer
    let options: OpaquePointer
    let readOptions: OpaquePointer
    let writeOptions: OpaquePointer
    let batch: OpaquePointer
    var families: [String: OpaquePointer] = [:]
    var closed = false
    /// Scans open on this database: the write batch under them must not be cleared, so commits wait.
    var openIterators = 0
    private var commitPending = false

    public init(path: String) throws(StoreError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StoreError(store: path, "cannot create the RocksDB folder: \(error.localizedDescription)")
        }
        let options = rocksdb_options_create()!
        // RocksDB's own info LOG lives on the same disk; a LOG write that failed (a full disk) aborts
        // the process the next time RocksDB logs (an assertion in Debian's build). Only fatal messages
        // are logged; every error reaches the user through the statuses checked here.
        rocksdb_options_set_info_log_level(options, 4)
        rocksdb_options_set_create_if_missing(options, 1)
        rocksdb_options_set_create_missing_column_families(options, 1)
        // The families already in the database must all be opened.
        var err: UnsafeMutablePointer<CChar>? = nil
        var count = 0
        var names: [String] = ["default"]
        if let list = rocksdb_list_column_families(options, path, &count, &err) {
            names = (0..<count).map { String(cString: list[$0]!) }
            rocksdb_list_column_families_destroy(list, count)
        }
        if let e = err {
            free(e)  // a new database: only "default"
            err = nil
        }
        if !names.contains("default") { names.insert("default", at: 0) }
        var cnames = names.map { strdup($0) }
        defer { cnames.forEach { free($0) } }
        var cfOptions = [OpaquePointer?](repeating: options, count: names.count)
        var handles = [OpaquePointer?](repeating: nil, count: names.count)
        let opened = cnames.withUnsafeMutableBufferPointer { n in
            cfOptions.withUnsafeMutableBufferPointer { o in
                handles.withUnsafeMutableBufferPointer { h in
                    n.withMemoryRebound(to: UnsafePointer<CChar>?.self) { np in
                        rocksdb_open_column_families(options, path, Int32(names.count), np.baseAddress, o.baseAddress, h.baseAddress, &err)
                    }
                }
            }
        }
        guard let opened else {
            let message = err.map { String(cString: $0) } ?? "unknown error"
            err.map { free($0) }
            rocksdb_options_destroy(options)
            throw StoreError(store: path, "cannot open RocksDB: \(message)")
        }
        db = opened
        self.options = options
        for (name, handle) in zip(names, handles) { families[name] = handle }
        readOptions = rocksdb_readoptions_create()
        writeOptions = rocksdb_writeoptions_create()
        batch = rocksdb_writebatch_wi_create(0, 1)
    }

    /// The column family `name`, created if new.
    func family(_ name: String) throws(StoreError) -> OpaquePointer {
        if let f = families[name] { return f }
        var err: UnsafeMutablePointer<CChar>? = nil
        let f = rocksdb_create_column_family(db, options, name, &err)
        if let e = err {
            defer { free(e) }
            throw StoreError(store: name, "cannot create column family in \(path): \(String(cString: e))")
        }
        families[name] = f!
        return f!
    }

    /// Writes the pending batch of every store of this database atomically — or, while a scan is open on
    /// it (an iterator reads through the batch), when the last scan closes. After a write failed (a full
    /// disk, an I/O error) nothing is written again: every later commit throws the same error, so what
    /// was committed before stays intact and RocksDB is never used past its error.
    public func commit() throws(StoreError) {
        if let failure { throw failure }
        if openIterators > 0 {
            commitPending = true
            return
        }
        commitPending = false
        var err: UnsafeMutablePointer<CChar>? = nil
        rocksdb_write_writebatch_wi(db, writeOptions, batch, &err)
        if let e = err {
            defer { free(e) }
            let error = StoreError(
                store: storeLabel,
                "RocksDB at \(path)\(storesInParentheses): write failed: \(String(cString: e)); "
                    + "the changes of the batch in flight were not written, everything committed before is intact")
            failure = error
            throw error
        }
        rocksdb_writebatch_wi_clear(batch)
    }

    /// The first failed write, after which the database is not written again.
    var failure: StoreError?

    /// For messages: the database's one store, or its path when it holds several.
    var storeLabel: String { families.count == 2 ? families.keys.first { $0 != "default" }! : path }

    /// For messages: ` (stores 'a', 'b')` when the database holds several stores, else nothing.
    var storesInParentheses: String {
        guard families.count > 2 else { return "" }
        return " (stores \(families.keys.filter { $0 != "default" }.sorted().map { "'\($0)'" }.joined(separator: ", ")))"
    }

    /// A scan closed: run a commit it held back.
    func iteratorClosed() {
        openIterators -= 1
        if openIterators == 0 && commitPending { try? commit() }
    }

    /// Closes the database; `commit: false` (a failed run) drops the batch in flight instead of writing
    /// half of it — the source replays it.
    public func close(commit: Bool = true) {
        guard !closed else { return }
        closed = true
        if commit && failure == nil {
            openIterators = 0
            try? self.commit()
        }
        for f in families.values { rocksdb_column_family_handle_destroy(f) }
        rocksdb_writebatch_wi_destroy(batch)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_writeoptions_destroy(writeOptions)
        rocksdb_close(db)
        rocksdb_options_destroy(options)
    }

    deinit { close() }
}
