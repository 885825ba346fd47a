// RunOptions: how a plan is built and run: batch size, ring capacity, plugin search path.

/// Settings of a run that do not belong in the manifest.
public struct RunOptions: Sendable {
    /// Records per batch for sources that do not set `batch_size` (and for operator outputs).
    public var batchSize: Int = 1024
    /// Elements (batches or control events) each ring between tasks holds; a full ring blocks its producer.
    public var ringCapacity: Int = 64
    /// Folders searched for plugins named by library; nil: `PluginLoader.defaultSearchPaths`.
    public var pluginSearchPaths: [String]? = nil

    public init(batchSize: Int = 1024, ringCapacity: Int = 64, pluginSearchPaths: [String]? = nil) {
        self.batchSize = batchSize
        self.ringCapacity = ringCapacity
        self.pluginSearchPaths = pluginSearchPaths
    }
}
