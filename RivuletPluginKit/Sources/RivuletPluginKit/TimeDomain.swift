// TimeDomain: the clock a timer follows (RV_TIME_* of rivulet.h).

/// The clock a timer follows.
public enum TimeDomain: UInt32, Sendable {
    /// Fires when the operator's watermark reaches the time (and, at the end of input, always).
    case event = 0
    /// Fires when the host's clock reaches the time (pending ones do not fire at the end of input).
    case processing = 1
}
