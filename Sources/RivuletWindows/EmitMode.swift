// EmitMode: when a window operator emits: once when a window closes, or on every change.

/// How a window operator emits its results.
public enum EmitMode: String, Sendable, Hashable, CaseIterable {
    /// Once per window, when the watermark passes its end − 1 + grace.
    case final
    /// On every change, retracting the previous result (ops insert / update-before / update-after / delete).
    case update
}
