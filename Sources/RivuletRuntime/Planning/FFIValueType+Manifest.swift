// FFIValueType+Manifest: an FFI operator's declared C type (FFIType) as the FFI call's FFIValueType.
import RivuletManifest
import RivuletPlugins

extension FFIValueType {
    /// `i32`, `i64`, `f32`, `f64`, `bytes`, case for case (an exhaustive switch: no raw-value bridge).
    init(_ type: FFIType) {
        switch type {
        case .i32: self = .i32
        case .i64: self = .i64
        case .f32: self = .f32
        case .f64: self = .f64
        case .bytes: self = .bytes
        }
    }
}
