// Sum: a running sum kept in the operator's own property, saved and restored at checkpoints.
import RivuletPluginKit

/// `sum`: adds the i64 field `field` of every record into `total` and emits `{total}` per record. The
/// total is state of the operator's own (not in a store), so it implements `snapshot` and `restore`.
final class Sum: RivuletOperator {
    static let name = "sum"

    let field: Int
    var total: Int64 = 0

    init(context: OperatorContext) throws {
        let name: String = try context.configuration.required("field")
        guard let field = context.inputField(name) else { throw PluginFailure("sum: no field '\(name)'") }
        self.field = field
        try context.setOutputFields([("total", .i64)])
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        for record in batch {
            total &+= record.int(field) ?? 0
            try context.emit(record) { row in row.set(0, int: total) }
        }
    }

    /// Eight bytes, little-endian.
    func snapshot(context: OperatorContext) throws -> [UInt8]? {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: total) >> (8 * UInt64($0))) }
    }

    func restore(_ state: [UInt8], context: OperatorContext) throws {
        guard state.count == 8 else { throw PluginFailure("sum: cannot restore \(state.count) bytes (expected 8)") }
        total = Int64(bitPattern: state.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    }
}
