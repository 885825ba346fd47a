// CrashScope: what the crash guard says if plugin code crashes during a call: plugin, operator, instance, callback, records.
import CRivulet
import CRivuletHost
import Foundation

/// One operator instance's description for the crash guard (`crash_guard.c`), and the bracket around
/// each call into its plugin code (`around`). The C strings live as long as the scope; the scope struct is
/// the instance's own, updated per call (an instance runs on one thread at a time).
///
/// Unsafe: `scope` and its strings are allocated here and freed in `deinit`; the guard reads them from a
/// signal handler only while a call is inside `around`, which the instance cannot outlive.
public final class CrashScope: @unchecked Sendable {
    private let scope: UnsafeMutablePointer<rv_host_crash_scope>
    private var what: UnsafeMutablePointer<CChar>
    private var position: UnsafeMutablePointer<CChar>?

    /// The plugin callbacks a scope can be around.
    public enum Callback: Int, CaseIterable, Sendable {
        case create, process, onWatermark, onTimer, flush, snapshot, restore, destroy
        /// A C function called through libffi, record by record over a batch.
        case function
        /// A plugin aggregate's callbacks.
        case aggregateInit, aggregateAdd, aggregateMerge, aggregateResult
        /// A plugin function (rv_function_def) called on one record.
        case call

        var cName: String {
            switch self {
            case .onWatermark: "on_watermark"
            case .onTimer: "on_timer"
            case .function: "a call"
            case .aggregateInit: "init"
            case .aggregateAdd: "add"
            case .aggregateMerge: "merge"
            case .aggregateResult: "result"
            default: "\(self)"
            }
        }
    }

    /// Callback names as C strings, made once for every scope (never freed, never written).
    nonisolated(unsafe) private static let callbackNames: [UnsafeMutablePointer<CChar>] = Callback.allCases.map { strdup($0.cName)! }

    /// `what` names the plugin code: "operator 'm' (mask of /lib/librv_std_c.so), instance 0".
    public init(what: String) {
        scope = .allocate(capacity: 1)
        scope.initialize(to: rv_host_crash_scope())
        self.what = strdup(what)!
        scope.pointee.what = UnsafePointer(self.what)
    }

    deinit {
        free(what)
        free(position)
        scope.deallocate()
    }

    /// Changes the description (once the instance number is known).
    public func describe(_ what: String) {
        let old = self.what
        self.what = strdup(what)!
        scope.pointee.what = UnsafePointer(self.what)
        free(old)
    }

    /// What precedes a record's offset in the line: "events.csv:" when the records come from one file
    /// (the offset is its line), else nil ("offset ").
    public func setPosition(_ prefix: String?) {
        let old = position
        position = prefix.map { strdup($0)! }
        scope.pointee.position = position.map { UnsafePointer($0) }
        free(old)
    }

    /// Runs `body`, a call into plugin code named `callback`, given `records` (nil for callbacks without).
    @inline(__always)
    public func around<T>(_ callback: Callback, records: UnsafePointer<rv_batch>? = nil, _ body: () throws -> T) rethrows -> T {
        scope.pointee.callback = UnsafePointer(Self.callbackNames[callback.rawValue])
        if let records {
            scope.pointee.records = records.pointee.records
            scope.pointee.count = records.pointee.count
            scope.pointee.record_size = UInt64(records.pointee.record_size)
        } else {
            scope.pointee.records = nil
            scope.pointee.count = 0
        }
        let outer = rv_host_crash_scope_enter(scope)
        defer { rv_host_crash_scope_leave(outer) }
        return try body()
    }

    /// Runs `body`, a call into plugin code named `callback`, given the one record `record`.
    @inline(__always)
    public func around<T>(_ callback: Callback, record: UnsafePointer<rv_record>, _ body: () throws -> T) rethrows -> T {
        scope.pointee.callback = UnsafePointer(Self.callbackNames[callback.rawValue])
        scope.pointee.records = record
        scope.pointee.count = 1
        scope.pointee.record_size = UInt64(MemoryLayout<rv_record>.stride)
        let outer = rv_host_crash_scope_enter(scope)
        defer { rv_host_crash_scope_leave(outer) }
        return try body()
    }

    /// Installs the guard for the process (once): a crash inside a scope prints one line and exits with
    /// `status`; with `chain`, the handler installed before (the Swift runtime's backtrace) runs instead.
    public static func installGuard(status: Int32, chain: Bool) {
        rv_host_crash_guard_install(status, chain ? 1 : 0)
    }

    /// Runs `body` (a task thread's whole work) with an alternate signal stack, so that a plugin which
    /// overflows its stack still gets the guard's line instead of a silent death.
    public static func withAlternateSignalStack(_ body: () -> Void) {
        let stack = rv_host_crash_guard_thread_begin()
        defer { rv_host_crash_guard_thread_end(stack) }
        body()
    }
}
