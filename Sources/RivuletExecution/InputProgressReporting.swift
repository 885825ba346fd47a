// InputProgressReporting: how much of a bounded input a source has consumed, for the progress line's % and ETA.

/// A source whose input has a known size (a file): how many bytes of it were consumed so far. Read from
/// another thread than the one filling batches, so implementations publish it atomically.
public protocol InputProgressReporting: AnyObject {
    /// (bytes consumed, total bytes), or nil when the input has no size (stdin, a pipe).
    var inputProgress: (done: Int64, total: Int64)? { get }
}
