// Keep: a filter: passes on the records whose field is one of `allow`.
import RivuletPluginKit

/// `keep`: forwards, unchanged, the records whose `field` is in the list `allow`; a NULL field
/// dead-letters the record (those before it are forwarded first). One host call per batch.
final class Keep: RivuletOperator {
    static let name = "keep"
    static let isStateless = true

    let field: Int
    let allow: Set<String>

    init(context: OperatorContext) throws {
        let config = try context.configuration
        let name: String = try config.required("field")
        guard let field = context.inputField(name) else { throw PluginFailure("keep: no field '\(name)'") }
        self.field = field
        allow = Set(try config.required("allow", as: [String].self))
    }

    func process(_ batch: Batch, port: Int, context: OperatorContext) throws {
        try context.forward(batch) { record in
            guard let value = record.string(field) else { throw RecordError(index: record.index, "keep: the field is NULL") }
            return allow.contains(value)
        }
    }
}
