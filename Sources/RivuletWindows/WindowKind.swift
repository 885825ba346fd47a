// WindowKind: the four kinds of host-driven windows and their sizes (milliseconds).

/// Which windows a record belongs to.
public enum WindowKind: Sendable, Hashable {
    /// Fixed, non-overlapping windows `[k·size, (k+1)·size)`.
    case tumbling(size: Int64)
    /// Fixed windows of `size` starting every `advance` (size a whole multiple of advance).
    case hopping(size: Int64, advance: Int64)
    /// One window `[t − size + 1, t + 1)` per distinct record time t of a key (Kafka Streams' SlidingWindows).
    case sliding(size: Int64)
    /// Per key, runs of records less than `gap` apart; a session ends at its last record + gap.
    case session(gap: Int64)

    /// The kind's name (`tumbling`, `hopping`, `sliding`, `session`), as manifests and messages write it.
    public var name: String {
        switch self {
        case .tumbling: "tumbling"
        case .hopping: "hopping"
        case .sliding: "sliding"
        case .session: "session"
        }
    }
}
