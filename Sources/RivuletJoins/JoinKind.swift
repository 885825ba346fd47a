// JoinKind: which records a join emits when one side has no partner.

/// inner: only pairs; left: every left record, with NULLs when it has no partner; outer: every record
/// of either side.
public enum JoinKind: String, Sendable, CaseIterable {
    case inner, left, outer
}
