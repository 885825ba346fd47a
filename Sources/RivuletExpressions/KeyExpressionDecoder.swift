// KeyExpressionDecoder: a source's decoder whose records get their key from an expression (`key: lower(user)`).
import CRivulet
import RivuletCore

/// Decodes with `inner`, then sets each record's key to the value of `key` on it: a string's bytes, or a
/// number's 8 bytes (as a key field's). A record whose key expression fails is not kept: the source
/// dead-letters its line with the expression and the reason; a NULL key leaves the record without one.
public struct KeyExpressionDecoder: RecordDecoder {
    let inner: RecordDecoder
    let key: CompiledExpression
    private let scratch = ExpressionScratch()

    public init(inner: RecordDecoder, key: CompiledExpression) {
        self.inner = inner
        self.key = key
    }

    public func decode(_ line: UnsafeRawBufferPointer, into batch: RecordBatch) throws(DecodeFailure) {
        try inner.decode(line, into: batch)
        let i = batch.count - 1
        scratch.reset()
        let v: rv_field
        do {
            v = try key.evaluate(batch.record(at: i), scratch)
        } catch {
            batch.removeLast()
            throw DecodeFailure("key \(key.text): \(error.reason)")
        }
        if v.type == FieldType.string.rawValue || v.type == FieldType.bytes.rawValue {
            batch.setKey(i, v.value.ptr, count: Int(v.len))
        } else if v.type != FieldType.null.rawValue {
            var bits = v.value.i64
            withUnsafeBytes(of: &bits) { batch.setKey(i, $0.baseAddress, count: 8) }
        }
    }
}
