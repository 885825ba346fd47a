// PluginAggregate+WindowAggregate: a plugin's aggregate used as a window aggregate (plugins and windows meet here).
import RivuletPlugins
import RivuletSnapshot
import RivuletWindows

/// `PluginAggregate` (RivuletPlugins) already has most members `WindowAggregate` (RivuletWindows) asks for;
/// the conformance is declared here, in the layer that composes both, so neither engine module depends on
/// the other. `release` is the protocol's default: the host owns the accumulator bytes.
extension PluginAggregate: WindowAggregate {
    /// A plugin accumulator is plain bytes (`docs/ABI.md`: no pointers): its `acc_size` bytes as they are
    /// (in the plugin's own layout, so a checkpoint moves only between machines of the same byte order).
    public func snapshot(_ acc: UnsafeMutableRawPointer, into writer: inout SnapshotWriter) {
        writer.append(raw: UnsafeRawBufferPointer(start: acc, count: accumulatorSize))
    }

    /// Overwrites the accumulator `init` made with the saved bytes.
    public func restore(_ acc: UnsafeMutableRawPointer, from reader: inout SnapshotReader) throws {
        try reader.withRaw(count: accumulatorSize, "a plugin accumulator") { saved in
            if let base = saved.baseAddress { acc.copyMemory(from: base, byteCount: saved.count) }
        }
    }
}
