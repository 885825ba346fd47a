// LoadedPlugin: an open plugin library with its validated descriptor; unloads when the last user is gone.
import CRivulet
import Foundation

/// A plugin library that passed every check and whose init succeeded. Operator instances keep it alive;
/// when it is released, the plugin's `fini` is called and the library is closed — after every instance
/// has been destroyed, as rivulet.h promises.
public final class LoadedPlugin: @unchecked Sendable {
    public let path: String
    public let name: String
    public let version: String
    public let description: String
    public let abiMajor: UInt32
    /// The oldest host minor version the plugin needs (its descriptor's `min_host_minor`).
    public let minHostMinor: UInt32
    public let operators: [OperatorInfo]
    public let aggregates: [AggregateInfo]
    public let functions: [FunctionInfo]
    let handle: UnsafeMutableRawPointer
    let descriptor: UnsafeMutablePointer<rv_plugin_descriptor>
    let libraryContext: PluginContext
    /// Host-owned copies of definitions, freed on unload.
    let ownedCopies: [UnsafeMutableRawPointer]

    init(
        path: String, handle: UnsafeMutableRawPointer, descriptor: UnsafeMutablePointer<rv_plugin_descriptor>,
        operators: [OperatorInfo], aggregates: [AggregateInfo], functions: [FunctionInfo],
        ownedCopies: [UnsafeMutableRawPointer], libraryContext: PluginContext
    ) {
        self.path = path
        self.handle = handle
        self.descriptor = descriptor
        let d = descriptor.pointee
        name = String(cString: d.name)
        version = d.version.map { String(cString: $0) } ?? ""
        description = d.description.map { String(cString: $0) } ?? ""
        abiMajor = d.abi_major
        minHostMinor = d.min_host_minor
        self.operators = operators
        self.aggregates = aggregates
        self.functions = functions
        self.ownedCopies = ownedCopies
        self.libraryContext = libraryContext
    }

    deinit {
        if let fini = descriptor.pointee.fini {
            fini(HostAPI.table, libraryContext.opaque)
        }
        LibraryUnloading.close(handle)
        for copy in ownedCopies { copy.deallocate() }
        descriptor.deallocate()
    }

    /// The operator named `name`, or nil.
    public func operatorInfo(named name: String) -> OperatorInfo? {
        operators.first { $0.name == name }
    }
}
