// JoinKind+Manifest: a join's `emit:` (JoinSpec.Emit) as the join operator's JoinKind.
import RivuletJoins
import RivuletManifest

extension JoinKind {
    /// `inner`, `left`, `outer`, case for case (an exhaustive switch: no raw-value bridge).
    init(_ spec: JoinSpec.Emit) {
        switch spec {
        case .inner: self = .inner
        case .left: self = .left
        case .outer: self = .outer
        }
    }
}
