// rv_field+Values: convenience constructors for field values on the host side.
import CRivulet

extension rv_field {
    /// An i64 value.
    @inlinable
    public static func integer(_ v: Int64) -> rv_field {
        var f = rv_field()
        f.type = FieldType.i64.rawValue
        f.value.i64 = v
        return f
    }

    /// An f64 value.
    @inlinable
    public static func double(_ v: Double) -> rv_field {
        var f = rv_field()
        f.type = FieldType.f64.rawValue
        f.value.f64 = v
        return f
    }

    /// A timestamp value (ms since the epoch).
    @inlinable
    public static func timestamp(_ v: Int64) -> rv_field {
        var f = rv_field()
        f.type = FieldType.timestamp.rawValue
        f.value.i64 = v
        return f
    }

    /// A bool value.
    @inlinable
    public static func bool(_ v: Bool) -> rv_field {
        var f = rv_field()
        f.type = FieldType.bool.rawValue
        f.value.i64 = v ? 1 : 0
        return f
    }
}
