// WindowKind+Manifest: a manifest's `window:` (WindowSpec.Kind) as the window operator's WindowKind.
import RivuletManifest
import RivuletWindows

extension WindowKind {
    /// The same windows, case for case and size for size (an exhaustive switch: no raw-value bridge).
    init(_ spec: WindowSpec.Kind) {
        switch spec {
        case .tumbling(let size): self = .tumbling(size: size)
        case .hopping(let size, let advance): self = .hopping(size: size, advance: advance)
        case .sliding(let size): self = .sliding(size: size)
        case .session(let gap): self = .session(gap: gap)
        }
    }
}
