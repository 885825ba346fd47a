// RecordOp: the change a record stands for (RV_OP_* of rivulet.h): insert, update before/after, delete.

/// What a record means for a table built from the stream (Flink's RowKind). A plain event stream is all
/// `.insert`; a window emitting updates uses `.updateBefore` (retracting an earlier result) and
/// `.updateAfter`.
public enum RecordOp: UInt32, Sendable {
    case insert = 0, updateBefore, updateAfter, delete
}
