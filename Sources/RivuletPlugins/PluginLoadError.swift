// PluginLoadError: every way loading a plugin library can fail, each naming the file.

/// Why a plugin library could not be loaded. Every case names the file; the loader has closed the
/// library handle before throwing.
public enum PluginLoadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No file at the path (or the library name was not found on the search path).
    case fileMissing(path: String, searched: [String])
    /// Something is at the path, but not a regular file: `kind` says what ("a folder", "a FIFO (named
    /// pipe)"…). `dlopen` would block forever on a FIFO, so this is checked first.
    case notAFile(path: String, kind: String)
    /// The file exists but cannot be read (`reason`: "permission denied"…).
    case notReadable(path: String, reason: String)
    /// `dlopen` refused the file (not an ELF shared library, wrong architecture, missing dependency).
    case notASharedLibrary(path: String, reason: String)
    /// The library does not export the entry function.
    case entrySymbolMissing(path: String, symbol: String)
    /// The plugin was built for another ABI major version, or needs a newer minor one (its descriptor's
    /// `min_host_minor`) than the host offers.
    case abiIncompatible(path: String, pluginMajor: UInt32, pluginMinHostMinor: UInt32, hostMajor: UInt32, hostMinor: UInt32)
    /// The descriptor is missing required parts or is inconsistent.
    case descriptorMalformed(path: String, reason: String)
    /// The plugin's own init function failed; `message` names the status and what it reported
    /// ("init returned RV_FATAL: …").
    case initFailed(path: String, message: String)

    public var description: String {
        switch self {
        case let .fileMissing(path, searched):
            searched.isEmpty
                ? "plugin \(path): no such file"
                : "plugin \(path): not found (searched: \(searched.joined(separator: ", ")))"
        case let .notAFile(path, kind):
            "plugin \(path): is \(kind), not a shared library file: give the path of a lib<name>.so file"
        case let .notReadable(path, reason):
            "plugin \(path): cannot be read (\(reason)): check its permissions"
        case let .notASharedLibrary(path, reason):
            "plugin \(path): not a loadable shared library: \(reason)"
        case let .entrySymbolMissing(path, symbol):
            "plugin \(path): no entry point [\(symbol)] in shared library (is it a Rivulet plugin built against rivulet.h ABI 1?)"
        case let .abiIncompatible(path, pm, pn, hm, hn):
            pm != hm
                ? "plugin \(path): built for Rivulet ABI \(pm).\(pn), but this host speaks ABI \(hm).\(hn) (major versions differ); rebuild the plugin against this rivulet.h"
                : "plugin \(path): needs a host of Rivulet ABI \(pm).\(pn) or newer (its min_host_minor is \(pn)), but this host offers ABI \(hm).\(hn); upgrade rivulet, or build the plugin with a min_host_minor of \(hn) or less"
        case let .descriptorMalformed(path, reason):
            "plugin \(path): malformed descriptor: \(reason)"
        case let .initFailed(path, message):
            "plugin \(path): \(message)"
        }
    }
}
