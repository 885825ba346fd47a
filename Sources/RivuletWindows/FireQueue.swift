// FireQueue: the pending window firings in order of time (swift-collections' Heap), so a watermark
// fires exactly the windows now due.
import HeapModule

/// Pending window firings. An item is stale when its window was freed or changed since (its generation
/// no longer matches); the operator skips those.
struct FireQueue {
    struct Item: Comparable {
        var time: Int64
        var entry: Int32
        var generation: UInt32

        static func < (a: Item, b: Item) -> Bool { a.time < b.time }
        static func == (a: Item, b: Item) -> Bool { a.time == b.time && a.entry == b.entry && a.generation == b.generation }
    }

    private var heap = Heap<Item>()

    var isEmpty: Bool { heap.isEmpty }
    /// The earliest fire time, or Int64.max.
    var nextTime: Int64 { heap.min?.time ?? .max }

    mutating func push(_ item: Item) { heap.insert(item) }

    mutating func pop() -> Item { heap.removeMin() }
}
