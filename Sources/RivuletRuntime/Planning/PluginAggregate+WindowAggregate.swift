// PluginAggregate+WindowAggregate: a plugin's aggregate used as a window aggregate (plugins and windows meet here).
import RivuletPlugins
import RivuletWindows

/// `PluginAggregate` (RivuletPlugins) already has every member `WindowAggregate` (RivuletWindows) asks for;
/// the conformance is declared here, in the layer that composes both, so neither engine module depends on
/// the other. `release` is the protocol's default: the host owns the accumulator bytes.
extension PluginAggregate: WindowAggregate {}
