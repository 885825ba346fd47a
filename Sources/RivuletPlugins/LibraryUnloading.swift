// LibraryUnloading: closes a plugin's dlopen handle unless the library carries Swift code.
import Foundation

/// The Swift runtime registers every loaded image's metadata and protocol conformances and never
/// forgets them; unmapping a Swift library makes a later `as?` cast in the host dereference freed memory
/// (seen here as a crash in `swift_conformsToProtocol` after `dlclose`). So a library that links the
/// Swift runtime stays mapped for the life of the process (after its `fini` ran); plain C libraries are
/// closed.
enum LibraryUnloading {
    /// Whether the library (or one of its dependencies) provides the Swift runtime's `swift_retain`.
    static func linksSwiftRuntime(_ handle: UnsafeMutableRawPointer) -> Bool {
        dlsym(handle, "swift_retain") != nil
    }

    /// Closes `handle` if that is safe.
    static func close(_ handle: UnsafeMutableRawPointer) {
        if !linksSwiftRuntime(handle) { dlclose(handle) }
    }
}
