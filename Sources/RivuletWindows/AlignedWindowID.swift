// AlignedWindowID: the identity of a tumbling or hopping window: key id and start.
/// Identifies an aligned (tumbling or hopping) window: key id and start.
struct AlignedWindowID: Hashable {
    var key: Int32
    var start: Int64
}
