// FFIFunction: a C function looked up by library and symbol, with a libffi call interface for its signature.
@preconcurrency import CFFI
import Foundation

/// A C argument or return type an FFI operator can pass. `bytes` is passed as two C arguments: a
/// `const uint8_t *` and a `size_t` length.
public enum FFIValueType: String, Sendable, CaseIterable {
    case i32, i64, f32, f64, bytes

    var ffiTypes: [UnsafeMutablePointer<ffi_type>] {
        switch self {
        case .i32: [rv_ffi_type_sint32()]
        case .i64: [rv_ffi_type_sint64()]
        case .f32: [rv_ffi_type_float()]
        case .f64: [rv_ffi_type_double()]
        case .bytes: [rv_ffi_type_pointer(), rv_ffi_type_uint64()]
        }
    }
}

/// Why an FFI function could not be prepared.
public struct FFIError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// An exported C function and its prepared libffi call interface. The library stays open while this lives.
public final class FFIFunction: @unchecked Sendable {
    public let library: String
    public let symbol: String
    public let arguments: [FFIValueType]
    public let returns: FFIValueType
    let handle: UnsafeMutableRawPointer
    let function: @convention(c) () -> Void
    let cif: UnsafeMutablePointer<ffi_cif>
    let argTypes: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>
    /// The number of C-level arguments (a `bytes` argument counts twice).
    public let cArgumentCount: Int

    public init(library: String, symbol: String, arguments: [FFIValueType], returns: FFIValueType) throws {
        guard returns != .bytes else {
            throw FFIError(message: "function \(symbol): a function cannot return bytes (the host could not know who frees them)")
        }
        if library.contains("/") {
            // A path (not a name dlopen looks up): a FIFO there would block dlopen forever.
            do { try PluginLoader.checkFile(library) } catch {
                throw FFIError(
                    message:
                        "function \(symbol): cannot open library \(library): \(String(describing: error).replacingOccurrences(of: "plugin \(library): ", with: ""))"
                )
            }
        }
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else {
            throw FFIError(message: "function \(symbol): cannot open library \(library): \(dlerror().map { String(cString: $0) } ?? "unknown error")")
        }
        guard let sym = dlsym(handle, symbol) else {
            LibraryUnloading.close(handle)
            throw FFIError(message: "function \(symbol): no symbol [\(symbol)] in \(library)")
        }
        self.library = library
        self.symbol = symbol
        self.arguments = arguments
        self.returns = returns
        self.handle = handle
        function = unsafeBitCast(sym, to: (@convention(c) () -> Void).self)
        let types = arguments.flatMap(\.ffiTypes)
        cArgumentCount = types.count
        argTypes = .allocate(capacity: max(1, types.count))
        for (i, t) in types.enumerated() { argTypes[i] = t }
        cif = .allocate(capacity: 1)
        let status = ffi_prep_cif(cif, FFI_DEFAULT_ABI, UInt32(types.count), returns.ffiTypes[0], argTypes)
        guard status == FFI_OK else {
            cif.deallocate()
            argTypes.deallocate()
            LibraryUnloading.close(handle)
            throw FFIError(message: "function \(symbol): libffi could not prepare the call (status \(status.rawValue))")
        }
    }

    deinit {
        cif.deallocate()
        argTypes.deallocate()
        LibraryUnloading.close(handle)
    }

    /// Calls the function. `values` holds one pointer per C argument, each to a value of its C type; the
    /// result is written to `result` (at least 8 bytes).
    public func call(_ values: UnsafeMutablePointer<UnsafeMutableRawPointer?>, result: UnsafeMutableRawPointer) {
        ffi_call(cif, function, result, values)
    }
}
