// ColumnPlan: the CSV decoder's per-column table (target field and type), read per cell without ARC.
/// For each CSV column: the field it fills (-1: none) and its type. Owns its table (freed in deinit).
final class ColumnPlan {
    let plan: UnsafeMutablePointer<(field: Int, type: FieldType)>
    let count: Int

    init(_ columnToField: [Int], _ schema: Schema) {
        count = columnToField.count
        plan = .allocate(capacity: max(1, count))
        for (c, f) in columnToField.enumerated() {
            (plan + c).initialize(to: (f, f >= 0 ? schema.fields[f].type : .null))
        }
    }

    deinit { plan.deallocate() }
}
