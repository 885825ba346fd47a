// EmitMode+Manifest: a manifest's `emit:` (WindowSpec.Emit) as the window operator's EmitMode.
import RivuletManifest
import RivuletWindows

extension EmitMode {
    /// `final` → `.final`, `update` → `.update` (an exhaustive switch: no raw-value bridge).
    init(_ spec: WindowSpec.Emit) {
        switch spec {
        case .final: self = .final
        case .update: self = .update
        }
    }
}
