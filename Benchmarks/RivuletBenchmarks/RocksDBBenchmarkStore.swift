// RocksDBBenchmarkStore: a RocksDB store in a fresh temp folder, with the buffers the store benchmarks reuse.
import Foundation
import RivuletState

/// The state of a store benchmark: a database of its own under the temporary folder, one store in it,
/// a key buffer and a 16-byte value. `close()` (the benchmark's teardown) closes the database and
/// removes the folder.
///
/// Unsafe code: `valueBytes` is allocated once with 16 bytes, owned here, freed in `deinit`; the store
/// copies what `put` is given, so the value is only read during the call.
final class RocksDBBenchmarkStore {
    let folder: String
    let instance: RocksDBInstance
    let store: RocksDBStore
    let key = FixedWidthKey()
    private let valueBytes: UnsafeMutableRawBufferPointer
    var value: UnsafeRawBufferPointer { UnsafeRawBufferPointer(valueBytes) }
    let prefilledKeys: Int
    /// The next key the put benchmark writes.
    var nextKey = 0
    private var random = UInt64(0x9E37_79B9_7F4A_7C15)
    private var closed = false

    /// Opens the database; writes and commits keys 0..<prefilledKeys in batches of 1,024.
    init(prefilledKeys: Int) throws {
        folder = NSTemporaryDirectory() + "rivulet-bench-rocksdb-\(UUID().uuidString.prefix(8))"
        instance = try RocksDBInstance(path: folder)
        store = try RocksDBStore(name: "bench", instance: instance)
        valueBytes = .allocate(byteCount: 16, alignment: 8)
        valueBytes.copyBytes(from: Array("value-0123456789".utf8))
        self.prefilledKeys = prefilledKeys
        for n in 0..<prefilledKeys {
            key.set(n)
            try store.put(key.buffer, value)
            if n % 1024 == 1023 { try store.commit() }
        }
        try store.commit()
    }

    /// A key below `prefilledKeys`, drawn with a xorshift generator.
    func randomKey() -> Int {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return Int(random % UInt64(max(1, prefilledKeys)))
    }

    /// Closes the database and removes its folder (once).
    func close() {
        guard !closed else { return }
        closed = true
        instance.close()
        try? FileManager.default.removeItem(atPath: folder)
    }

    deinit {
        close()
        valueBytes.deallocate()
    }
}
