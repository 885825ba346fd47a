// DirectCFunction: libc's labs looked up with dlsym and called directly (no libffi) in a loop.
import Foundation

/// The baseline of the FFI benchmark: the same C function the FFI operator calls (`labs` in libc.so.6),
/// called through a plain C function pointer — no libffi, no records — over an array of values.
///
/// Unsafe code: the pointer dlsym returns for `labs` is cast to its C type, `long labs(long)`; on the
/// LP64 Linux targets this package builds for, `long` is 64 bits, i.e. Swift's `Int`. The library handle
/// stays open for the life of the process (libc is never unloaded anyway).
struct DirectCFunction {
    typealias LongToLong = @convention(c) (Int) -> Int
    let function: LongToLong

    init() throws {
        guard let library = dlopen("libc.so.6", RTLD_NOW), let symbol = dlsym(library, "labs") else {
            throw DirectCFunctionError(message: "labs not found in libc.so.6: \(String(cString: dlerror()))")
        }
        function = unsafeBitCast(symbol, to: LongToLong.self)
    }

    /// Calls the function once per value, `rounds` times over `values`; returns the sum of the results.
    @inline(never)
    func callEach(_ values: [Int], rounds: Int) -> Int {
        var sum = 0
        for _ in 0..<rounds {
            for value in values { sum &+= function(value) }
        }
        return sum
    }
}

struct DirectCFunctionError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
