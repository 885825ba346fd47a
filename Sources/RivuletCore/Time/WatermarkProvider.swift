// WatermarkProvider: a watermark a source computes itself, read by its task after each batch.

/// A source's own watermark (a repartition topic's reader takes it from markers in the topic).
public protocol WatermarkProvider: AnyObject {
    /// Every record read after this point is expected at or after it.
    var watermark: Int64 { get }
    /// Lets inputs silent for their idle timeout stop holding the watermark back (once per batch).
    func refresh(now: Int64)
}

extension PartitionWatermarks: WatermarkProvider {}
