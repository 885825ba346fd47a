// LoggedStore: a store that writes every change to a changelog, and is rebuilt from it at start-up.
import Foundation

/// Where a changelog stood when a checkpoint was taken: its length (complete entries, flushed) and the
/// FNV-1a of the bytes just before that length, so a restore can tell the changelog it finds from another
/// one before cutting it back.
public struct ChangelogPosition: Sendable, Equatable {
    public var length: Int
    public var tailHash: UInt64

    public init(length: Int, tailHash: UInt64) {
        self.length = length
        self.tailHash = tailHash
    }
}

/// How a `LoggedStore` treats the changelog it finds when it opens.
public enum ChangelogStart: Sendable, Equatable {
    /// A start without a checkpoint: an empty store is rebuilt by replaying the changelog.
    case replayIfEmpty
    /// The store was just restored from a checkpoint taken when its changelog stood at `position`: the
    /// changelog is cut back to it and not replayed (the store already holds that state). A changelog that
    /// is shorter, or whose bytes before the position differ (another run's), is written anew from the
    /// store's contents instead.
    case truncate(to: ChangelogPosition)
    /// The store was just restored, with no position to cut back to (the checkpoint had no changelog, or
    /// was taken at another parallelism): the changelog is written anew from the store's contents.
    case rewrite
}

/// Wraps a store: puts and deletes go to the store and to its changelog (flushed with each commit). At
/// open, a store that is empty (a memory store always is; a RocksDB store whose files are gone) is
/// rebuilt by replaying the changelog, reporting progress through `progress` — unless it was restored
/// from a checkpoint (`ChangelogStart`).
public final class LoggedStore: KeyValueStore {
    public let inner: KeyValueStore
    let log: ChangelogWriter
    /// Entries replayed at open (0 if the store was not empty or there was no changelog).
    public let restoredEntries: Int
    /// Whether the changelog was written anew from the store's contents at open (`ChangelogStart`).
    public let rewroteChangelog: Bool

    public init(
        _ inner: KeyValueStore, changelog path: String, start: ChangelogStart = .replayIfEmpty, progress: (String) -> Void = { _ in }
    ) throws(StoreError) {
        self.inner = inner
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch {
            throw StoreError(store: inner.name, "cannot create the changelog folder for \(path): \(error.localizedDescription)")
        }
        var restored = 0
        var rewrite = false
        switch start {
        case .replayIfEmpty:
            let reader = try ChangelogReader(path: path)
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
            log = try ChangelogWriter(path: path, validLength: reader.validLength)
        case .truncate(let position):
            if Self.continues(path, position) {
                log = try ChangelogWriter(path: path, validLength: position.length)
            } else {
                progress("changelog \(path) is not the one checkpointed with store '\(inner.name)': writing it anew from the restored store")
                log = try ChangelogWriter(path: path, validLength: 0)
                rewrite = true
            }
        case .rewrite:
            log = try ChangelogWriter(path: path, validLength: 0)
            rewrite = true
        }
        if rewrite {
            try Self.write(contentsOf: inner, to: log)
        }
        restoredEntries = restored
        rewroteChangelog = rewrite
    }

    /// Whether the changelog at `path` is at least `position.length` long with the same bytes before it.
    private static func continues(_ path: String, _ position: ChangelogPosition) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) >= position.length else { return false }
        return (try? ChangelogWriter.tailHash(path: path, length: position.length)) == position.tailHash
    }

    /// Every entry of `store` as a put, in key order (flushed about every MB).
    private static func write(contentsOf store: KeyValueStore, to log: ChangelogWriter) throws(StoreError) {
        let scan = try store.scan(from: [], to: nil)
        defer { scan.close() }
        while let (key, value) = scan.next() {
            log.append(op: ChangelogWriter.put, key: key, value: value)
            if log.bufferedBytes >= 1 << 20 { try log.flush() }
        }
        try log.flush()
    }

    public var name: String { inner.name }
    public var isEmpty: Bool { inner.isEmpty }
    public func approximateSize() -> (keys: Int64, bytes: Int64) { inner.approximateSize() }

    /// The changelog's file.
    public var changelogPath: String { log.path }

    /// Flushes the changelog and returns where it stands (for a checkpoint: after the store's commit).
    public func changelogPosition() throws(StoreError) -> ChangelogPosition {
        try log.flush()
        return ChangelogPosition(length: log.length, tailHash: try ChangelogWriter.tailHash(path: log.path, length: log.length))
    }

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
