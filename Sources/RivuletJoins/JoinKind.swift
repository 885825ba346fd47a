// JoinKind: which records a join emits when one side has no partner.

/// inner: only pairs; left: every left record, with NULLs when it has no partner; outer: every record
/// of either side.
public enum JoinKind: String, Sendable, CaseIterable {
    case inner, left, outer
}

extension JoinKind {
    /// The kind's code in a join's snapshot (a snapshot restores only into a join of the same kind).
    var checkpointCode: UInt8 {
        switch self {
        case .inner: 0
        case .left: 1
        case .outer: 2
        }
    }
}
