// OutputWatermarkReporting: an operator that tells how far its output watermark has gone.

/// An operator whose output watermark may stay behind its input's (a join still holding records it may
/// emit at their own, earlier time): `PerGroupOperator` tells downstream no more than the smallest.
public protocol OutputWatermarkReporting {
    /// The watermark the operator has told downstream.
    var outputWatermark: Int64 { get }
}
