// FieldColumn: a field of the records, a batch at a time.
import CRivulet
import RivuletCore

final class FieldColumn: ColumnNode {
    let index: Int
    init(index: Int, type: FieldType) {
        self.index = index
        super.init(type: type)
    }

    override func evaluate(_ c: ColumnContext, _ rows: UnsafeBufferPointer<UInt32>, _ out: UnsafeMutablePointer<rv_field>) {
        let records = c.records, index = self.index
        for k in 0..<rows.count { out[k] = records[Int(rows[k])].fields[index] }
    }
}
