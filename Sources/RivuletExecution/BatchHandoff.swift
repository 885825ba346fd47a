// BatchHandoff: the one rule that lets a consumer rewrite a batch in place, and the one place that applies it.
import RivuletCore

/// Hands a batch from its maker (a source, or an output port flushing) to the edges it goes to.
///
/// The exclusive-batch rule. A batch is immutable once handed on — except that its maker, while it is the
/// batch's only holder, may hand it to a single fused consumer marked exclusive (`RecordBatch.isExclusive`)
/// for the duration of that call. Only then may the consumer rewrite its records in place
/// (`RecordBatch.rewriteInPlace`, a plugin's whole-batch map). Invariants:
/// 1. Only `deliver` sets the mark, and only when the batch goes to exactly one edge and that edge is
///    fused: fan-out receivers share the batch, and a ring hands it to another thread.
/// 2. The mark is cleared when the call returns, or earlier by a consumer that passes the rewritten batch
///    on as its own output (`OutputPort.emitWhole` calls `passOn`): from then on it is immutable again,
///    and the consumer's consumers may get it exclusive in turn only through `deliver`.
/// 3. Nobody else holds the batch during the call: the maker keeps no reference it reads afterwards
///    (a source makes a new batch per fill; a port forgets its pending batch before delivering).
public enum BatchHandoff {
    /// Delivers `batch` to every edge, in order; exclusive when invariant 1 allows.
    @inline(__always)
    public static func deliver(_ batch: RecordBatch, to edges: [Edge]) throws {
        if edges.count == 1 && edges[0].isFused {
            batch.setExclusive(true)
            // Cleared only if still set: a consumer that passed this very batch on (rewritten in place)
            // cleared it before publishing it, and nothing may write to it after that.
            defer { if batch.isExclusive { batch.setExclusive(false) } }
            try edges[0].send(batch)
            return
        }
        for edge in edges { try edge.send(batch) }
    }

    /// A consumer passes on the exclusive batch it rewrote in place, as its own output (invariant 2).
    @inline(__always)
    public static func passOn(_ batch: RecordBatch) {
        batch.setExclusive(false)
    }
}
