// GrowingBuffer: a buffer of fields or row numbers grown to the largest batch, never shrunk.
import CRivulet
import RivuletCore

/// A buffer grown as needed, never shrunk (its contents are not kept when it grows).
struct GrowingBuffer<Element> {
    private(set) var pointer = UnsafeMutablePointer<Element>.allocate(capacity: 1)
    private var capacity = 1

    mutating func reserve(_ n: Int) -> UnsafeMutablePointer<Element> {
        if n > capacity {
            pointer.deallocate()
            capacity = n
            pointer = .allocate(capacity: n)
        }
        return pointer
    }

    func release() { pointer.deallocate() }
}

typealias FieldBuffer = GrowingBuffer<rv_field>

typealias RowBuffer = GrowingBuffer<UInt32>
