// LibraryContext: what a Swift plugin's library-wide initializer sees: the plugin's own config and the log.
internal import CRivulet

/// The host during the library's `initialize` (the descriptor's `init`, once per loaded library, before
/// any operator is created): the plugin-wide `config` of the manifest's `plugins:` entry and the log.
/// Valid only during the call.
public final class LibraryContext {
    let api: UnsafePointer<rv_host_api>
    let ctx: OpaquePointer

    init(api: UnsafePointer<rv_host_api>, ctx: OpaquePointer) {
        self.api = api
        self.ctx = ctx
    }

    /// The plugin-wide configuration, structured (see `OperatorContext.configuration`; empty on a host that
    /// does not serve it as JSON).
    public var configuration: ConfigMap {
        get throws {
            guard let json = api.pointee.config_get(ctx, "") else { return ConfigMap(entries: []) }
            return try ConfigJSON.parse(String(cString: json))
        }
    }

    /// The flat text of a plugin-wide configuration value (`rates.USD`), as C plugins read it.
    public func config(_ key: String) -> String? {
        guard !key.isEmpty else { return nil }
        return api.pointee.config_get(ctx, key).map { String(cString: $0) }
    }

    /// Writes a line to the host's log.
    public func log(_ message: String, level: OperatorContext.LogLevel = .info) {
        api.pointee.log(ctx, level.rawValue, message)
    }
}
