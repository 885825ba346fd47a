// StoreEntry: one key and value found by a store scan (copies).

/// A key and its value, copied out of the store.
public struct StoreEntry: Sendable, Equatable {
    public let key: [UInt8]
    public let value: [UInt8]

    public init(key: [UInt8], value: [UInt8]) {
        self.key = key
        self.value = value
    }

    /// The key as UTF-8 text.
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    /// The value as UTF-8 text.
    public var valueString: String { String(decoding: value, as: UTF8.self) }

    /// The value as a `T` written by `Store.put(_:value:)`; nil when it is not `T`'s size.
    public func value<T: BitwiseCopyable>(as type: T.Type) -> T? {
        guard value.count == MemoryLayout<T>.size else { return nil }
        return value.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
}
