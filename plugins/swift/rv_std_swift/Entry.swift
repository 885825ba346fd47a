// Entry: the exported entry point of the rv_std_swift plugin library.
import RivuletPluginKit

/// The library's one exported symbol. `public` matters: an internal @_cdecl is hidden in release builds.
@_cdecl("rivulet_plugin_v1")
public func rivuletPluginV1() -> UnsafeRawPointer {
    PluginExport.descriptor(
        name: "rv_std_swift", version: "1.0.0", summary: "Standard Swift operators: currency_convert, project, silence, dedupe; aggregate: geomean",
        operators: [CurrencyConvert.self, Project.self, Silence.self, Dedupe.self], aggregates: [GeometricMean.self])
}
