// RivuletRuntimeDefaults: defaults the command line shares with the runtime.
import RivuletPlugins

public enum RivuletRuntimeDefaults {
    /// The default plugin search path for a manifest in `manifestDirectory`.
    public static func pluginSearchPaths(manifestDirectory: String?) -> [String] {
        PluginLoader.defaultSearchPaths(manifestDirectory: manifestDirectory)
    }
}
