// LoggedStore: a store that writes every change to a changelog, and is rebuilt from it at start-up.
import Foundation

/// Wraps a store: puts and deletes go to the store and to its changelog (flushed with each commit). At
/// open, a store that is empty (a memory store always is; a RocksDB store whose files are gone) is
/// rebuilt by replaying the changelog, reporting progress through `progress`.
public final class LoggedStore: KeyValueStore {
    public let inner: KeyValueStore
    let log: ChangelogWriter
    /// Entries replayed at open (0 if the store was not empty or there was no changelog).
    public let restoredEntries: Int

    public init(_ inner: KeyValueStore, changelog path: String, progress: (String) -> Void = { _ in }) throws(StoreError) {
        self.inner = inner
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw StoreError(store: inner.name, "cannot create the changelog folder for \(path): \(error.localizedDescription)")
        }
        let reader = try ChangelogReader(path: path)
        var restored = 0
        if inner.isEmpty && reader.byteCount > 0 {
            progress("restoring store '\(inner.name)' from \(path) (\(reader.byteCount) bytes)…")
            let torn = try reader.replay { (entry) throws(StoreError) in
                if entry.isPut { try inner.put(entry.key, entry.value) } else { try inner.delete(entry.key) }
                restored += 1
                if restored % 100_000 == 0 { progress("  \(restored) entries") }
            }
            try inner.commit()
            progress("restored store '\(inner.name)': \(restored) changes\(torn ? " (a torn last entry was dropped)" : "")")
        } else if reader.byteCount > 0 {
            try reader.replay { _ in }  // only to find the end of the complete entries
        }
        restoredEntries = restored
        log = try ChangelogWriter(path: path, validLength: reader.validLength)
    }

    public var name: String { inner.name }
    public var isEmpty: Bool { inner.isEmpty }
    public func approximateSize() -> (keys: Int64, bytes: Int64) { inner.approximateSize() }

    public func get(_ key: UnsafeRawBufferPointer) throws(StoreError) -> UnsafeRawBufferPointer? { try inner.get(key) }

    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(StoreError) {
        try inner.put(key, value)
        log.append(op: ChangelogWriter.put, key: key, value: value)
    }

    public func delete(_ key: UnsafeRawBufferPointer) throws(StoreError) {
        try inner.delete(key)
        log.append(op: ChangelogWriter.delete, key: key, value: nil)
    }

    public func scan(from: [UInt8], to: [UInt8]?) throws(StoreError) -> StoreIterator { try inner.scan(from: from, to: to) }

    public func commit() throws(StoreError) {
        // The changelog first: a store is never ahead of the log it would be rebuilt from.
        try log.flush()
        try inner.commit()
    }

    public func close() {
        try? log.flush()
        inner.close()
    }

    public func abandon() {
        inner.abandon()
    }
}
