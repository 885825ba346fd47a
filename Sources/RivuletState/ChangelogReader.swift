// ChangelogReader: reads a changelog's entries back in order, stopping cleanly at a torn last entry.
import Foundation

/// Replays a changelog file (format in `ChangelogWriter`). `validLength` is the length of the complete
/// entries read, so the writer can cut a torn tail (a crash during a write) before appending.
final class ChangelogReader {
    struct Entry {
        let isPut: Bool
        let key: UnsafeRawBufferPointer
        let value: UnsafeRawBufferPointer
    }

    let path: String
    private let data: Data
    private(set) var validLength = 0
    private(set) var entries = 0

    init(path: String) throws(StoreError) {
        self.path = path
        do {
            data = FileManager.default.fileExists(atPath: path) ? try Data(contentsOf: URL(fileURLWithPath: path)) : Data()
        } catch {
            throw StoreError(store: path, "cannot read changelog: \(error.localizedDescription)")
        }
    }

    var byteCount: Int { data.count }

    /// Calls `apply` for every complete entry in order; returns whether a torn tail was skipped.
    @discardableResult
    func replay(_ apply: (Entry) throws(StoreError) -> Void) throws(StoreError) -> Bool {
        do {
            return try data.withUnsafeBytes { raw in try replay(raw, apply) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(store: path, "\(error)")
        }
    }

    private func replay(_ raw: UnsafeRawBufferPointer, _ apply: (Entry) throws(StoreError) -> Void) throws(StoreError) -> Bool {
        do {
            var at = 0
            while at + 9 <= raw.count {
                let op = raw[at]
                let keyLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
                let valueLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 5, as: UInt32.self)))
                let end = at + 9 + keyLength + valueLength
                // Zeros where an entry should start: space a crash allocated but never wrote (a torn tail).
                if op == 0 { break }
                guard op == ChangelogWriter.put || op == ChangelogWriter.delete else {
                    throw StoreError(store: path, "corrupt changelog at byte \(at): unknown entry type \(op)")
                }
                guard end <= raw.count else { break }
                let key = UnsafeRawBufferPointer(rebasing: raw[(at + 9)..<(at + 9 + keyLength)])
                let value = UnsafeRawBufferPointer(rebasing: raw[(at + 9 + keyLength)..<end])
                try apply(Entry(isPut: op == ChangelogWriter.put, key: key, value: value))
                entries += 1
                at = end
                validLength = at
            }
            return validLength < raw.count
        }
    }
}
