// GeneratedKeys: the texts `key-0` … `key-<n-1>` of generated records, stored once and shared by every record.
import CRivulet
import RivuletCore

/// One record per distinct key, holding its text in a batch of its own: generated records point into
/// it (every batch that uses a key retains it), so keys are never copied per record. The fields are
/// also kept in a flat array, so picking a key costs one load.
final class GeneratedKeys {
    let count: Int
    /// The batch owning the key texts; retain it from every batch whose records use a key.
    let book: RecordBatch
    private let fields: UnsafeMutablePointer<rv_field>

    init(count: Int) {
        self.count = max(1, count)
        book = RecordBatch(schema: Schema([FieldDefinition(name: "key", type: .string)]), capacity: self.count)
        fields = .allocate(capacity: self.count)
        for k in 0..<self.count {
            let i = book.appendEmpty()
            book.setStringField(i, 0, "key-\(k)")
            fields[k] = book.field(i, 0)
        }
    }

    deinit { fields.deallocate() }

    /// The string field of key `random % count`.
    @inline(__always)
    func field(_ random: UInt64) -> rv_field { fields[Int(random % UInt64(count))] }
}
