// RedisClient: a blocking hiredis connection that runs pipelines of commands with a timeout.
import CHiredis
import Foundation

/// One connection to a Redis server. `pipeline` sends every command first and then reads every reply
/// (one round trip for the lot). A connection that failed is dropped and reopened on the next call, so
/// lookups resume when the server comes back. Used by one thread.
///
/// Unsafe code: `context` is owned (freed by `disconnect`); replies are freed once converted.
public final class RedisClient {
    public let host: String
    public let port: Int32
    public let timeoutMilliseconds: Int
    private var context: UnsafeMutablePointer<redisContext>?

    /// A reply, converted: nil for a Redis nil, bytes for a string, a list for an array.
    public enum Reply: Equatable {
        case missing
        case bytes([UInt8])
        case list([[UInt8]?])
        case integer(Int64)
    }

    public init(host: String, port: Int32, timeoutMilliseconds: Int) {
        self.host = host
        self.port = port
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    deinit { disconnect() }

    public var address: String { "\(host):\(port)" }

    private var timeout: timeval {
        timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
    }

    func connect() throws -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        guard let c = redisConnectWithTimeout(host, port, timeout) else {
            throw LookupError("redis \(address): cannot allocate a connection")
        }
        if c.pointee.err != 0 {
            let message = Self.errorText(c)
            redisFree(c)
            throw LookupError("redis \(address): \(message)")
        }
        redisSetTimeout(c, timeout)
        context = c
        return c
    }

    func disconnect() {
        if let context { redisFree(context) }
        context = nil
    }

    static func errorText(_ c: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: c.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Runs `commands` (each a list of arguments) in one round trip and returns their replies in order;
    /// a Redis error reply (WRONGTYPE…) is that command's result, every reply is read either way so the
    /// connection stays in step. Throws only when the connection fails (it is then closed).
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [Result<Reply, LookupError>] {
        guard !commands.isEmpty else { return [] }
        let c = try connect()
        for command in commands {
            let lengths = command.map(\.count)
            let status: Int32 = withArgumentPointers(command) { argv in
                lengths.withUnsafeBufferPointer { redisAppendCommandArgv(c, Int32(command.count), argv, $0.baseAddress) }
            }
            if status != REDIS_OK { try fail(c) }
        }
        var replies: [Result<Reply, LookupError>] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer? = nil
            if redisGetReply(c, &raw) != REDIS_OK || raw == nil { try fail(c) }
            let reply = raw!.assumingMemoryBound(to: redisReply.self)
            defer { freeReplyObject(raw) }
            if reply.pointee.type == REDIS_REPLY_ERROR {
                replies.append(.failure(LookupError("redis \(address): \(Self.text(reply))")))
            } else {
                replies.append(.success(Self.convert(reply)))
            }
        }
        return replies
    }

    private func fail(_ c: UnsafeMutablePointer<redisContext>) throws -> Never {
        let message = c.pointee.err != 0 ? Self.errorText(c) : "no reply"
        disconnect()
        throw LookupError("redis \(address): \(message)")
    }

    private func withArgumentPointers<R>(_ args: [[UInt8]], _ body: (UnsafeMutablePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let storage = args.map { bytes -> UnsafeMutablePointer<CChar> in
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { if let base = $0.baseAddress { UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: bytes.count) } }
            return p
        }
        defer { storage.forEach { $0.deallocate() } }
        var pointers = storage.map { UnsafePointer<CChar>?($0) }
        return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    static func text(_ reply: UnsafeMutablePointer<redisReply>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: reply.pointee.str, count: Int(reply.pointee.len)), as: UTF8.self)
    }

    static func bytes(_ reply: UnsafeMutablePointer<redisReply>) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: reply.pointee.str, count: Int(reply.pointee.len)))
    }

    static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> Reply {
        switch reply.pointee.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS: return .bytes(bytes(reply))
        case REDIS_REPLY_INTEGER: return .integer(Int64(reply.pointee.integer))
        case REDIS_REPLY_ARRAY:
            var items: [[UInt8]?] = []
            for i in 0..<Int(reply.pointee.elements) {
                guard let e = reply.pointee.element[i] else { items.append(nil); continue }
                items.append(e.pointee.type == REDIS_REPLY_NIL ? nil : bytes(e))
            }
            return .list(items)
        default: return .missing
        }
    }
}
