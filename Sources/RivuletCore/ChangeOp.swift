// ChangeOp: the text of a record's change op (rv_record.op), as Flink prints a changelog: +I -U +U -D.
import CRivulet

public enum ChangeOp {
    /// `+I`, `-U`, `+U` or `-D`; `?<n>` for an op this host does not know.
    public static func text(_ op: UInt32) -> String {
        switch op {
        case RV_OP_INSERT: "+I"
        case RV_OP_UPDATE_BEFORE: "-U"
        case RV_OP_UPDATE_AFTER: "+U"
        case RV_OP_DELETE: "-D"
        default: "?\(op)"
        }
    }
}
