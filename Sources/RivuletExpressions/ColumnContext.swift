// ColumnContext: what a batch evaluation of an expression shares: records, scratch, failures.
import CRivulet
import RivuletCore

/// What a column evaluation of one batch shares: the records, the scratch for strings (reset once per
/// batch by the operator), and the records whose evaluation failed (the first reason of each).
public final class ColumnContext {
    public internal(set) var records: UnsafePointer<rv_record>
    public let scratch: ExpressionScratch
    /// Row → why it failed (the first failure met).
    public internal(set) var failures: [UInt32: String] = [:]

    public init(scratch: ExpressionScratch) {
        self.scratch = scratch
        records = UnsafePointer(bitPattern: 8)!
    }

    /// Starts a batch (or a column): its records, no failures.
    public func begin(_ records: UnsafePointer<rv_record>) {
        self.records = records
        if !failures.isEmpty { failures.removeAll(keepingCapacity: true) }
    }

    private var identity = RowBuffer()
    private var identityCount = 0

    deinit { identity.release() }

    /// Rows 0..<count.
    func allRows(_ count: Int) -> UnsafeBufferPointer<UInt32> {
        if count > identityCount {
            let p = identity.reserve(count)
            for i in 0..<count { p[i] = UInt32(i) }
            identityCount = count
        }
        return UnsafeBufferPointer(start: identity.pointer, count: count)
    }

    @inline(__always) func fail(_ row: UInt32, _ reason: String) {
        if failures[row] == nil { failures[row] = reason }
    }
}
