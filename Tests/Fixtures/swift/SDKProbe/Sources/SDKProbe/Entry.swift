// Entry: the exported entry point of the sdk_probe plugin library.
import RivuletPluginKit

/// The one exported symbol (`public`: an internal @_cdecl is hidden in release builds).
@_cdecl("rivulet_plugin_v1")
public func rivuletPluginV1() -> UnsafeRawPointer {
    PluginExport.descriptor(
        name: "sdk_probe", version: "0.1.0", summary: "Exercises every service of the Swift SDK",
        operators: [Tally.self, Route.self, Keep.self, Enrich.self, Ticker.self, Sum.self],
        aggregates: [Span.self], functions: [SecondsToMillis.self],
        initialize: { library in
            // The plugin-wide config, structured: `refuse: { because: … }` refuses the library.
            if let reason = try library.configuration.value("refuse", as: ConfigMap.self)?.value("because", as: String.self) {
                throw PluginFailure("sdk_probe refuses to load: \(reason)")
            }
        })
}
