// RedisClient: a blocking hiredis connection, optionally TLS and authenticated, that runs pipelines of commands.
import CHiredis
import Foundation

/// One connection to a Redis server. `pipeline` sends every command first and then reads every reply
/// (one round trip for the lot). A connection that failed is dropped and reopened on the next call, so
/// lookups resume when the server comes back. Every (re)connect runs the TLS handshake (with `tls`)
/// and sends `AUTH` (with `credentials`) before any command. Used by one thread at a time.
///
/// hiredis connects the socket and parses replies; with TLS (Debian 12's hiredis 0.14 has none) a
/// `TLSStream` carries the bytes over that socket, commands are formatted by `redisFormatCommandArgv`
/// and replies fed to the context's reader. Writing to a socket the server closed would raise SIGPIPE:
/// the first connect sets SIGPIPE to ignored if it still has its default action (it would end the process).
///
/// Unsafe code: `context` is owned (freed by `disconnect`, which frees `stream` first); replies are freed
/// once converted.
public final class RedisClient {
    public let host: String
    public let port: Int32
    public let timeoutMilliseconds: Int
    public let credentials: RedisCredentials?
    public let tls: RedisTLSContext?
    private var context: UnsafeMutablePointer<redisContext>?
    private var stream: TLSStream?
    /// A TLS session none of whose exchanges has completed yet (see `streamFailure`).
    private var unconfirmedTLS = false
    private var readBuffer = [UInt8](repeating: 0, count: 16384)

    /// A reply, converted: nil for a Redis nil, bytes for a string, a list for an array.
    public enum Reply: Equatable {
        case missing
        case bytes([UInt8])
        case list([[UInt8]?])
        case integer(Int64)
        /// An error reply (WRONGTYPE…, NOAUTH…), its text.
        case error(String)
    }

    public init(host: String, port: Int32, timeoutMilliseconds: Int, credentials: RedisCredentials? = nil, tls: RedisTLSContext? = nil) {
        self.host = host
        self.port = port
        self.timeoutMilliseconds = timeoutMilliseconds
        self.credentials = credentials
        self.tls = tls
    }

    deinit { disconnect() }

    public var address: String { "\(host):\(port)" }

    private var timeout: timeval {
        timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
    }

    private static let brokenPipesIgnored: Void = {
        var current = sigaction()
        if sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil, current.sa_flags & SA_SIGINFO == 0 {
            signal(SIGPIPE, SIG_IGN)
        }
    }()

    func connect() throws -> UnsafeMutablePointer<redisContext> {
        if let context { return context }
        _ = Self.brokenPipesIgnored
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
        do {
            if let tls {
                stream = try TLSStream(context: tls, fd: c.pointee.fd, host: host, address: address)
                unconfirmedTLS = true
            }
            if let credentials, case .error(let text) = try exchange(c, [credentials.command])[0] {
                let who = credentials.username.map { " as user '\($0)'" } ?? ""
                throw LookupError("redis \(address): authentication\(who) failed: \(text)", rejection: true)
            }
        } catch {
            disconnect()
            throw error
        }
        return c
    }

    public func disconnect() {
        stream = nil  // before the socket it runs on is closed
        unconfirmedTLS = false
        if let context { redisFree(context) }
        context = nil
    }

    /// Connects (TLS handshake, AUTH) unless connected, then sends PING. Throws when the server cannot
    /// be reached, and a rejection (`isRejection`) when it refuses us: a certificate or handshake failure,
    /// a wrong password (WRONGPASS), or a server that requires one when none is given (NOAUTH). A PING
    /// the user may not run (NOPERM, an ACL user limited to its lookups) is no failure.
    public func check() throws {
        let reply = try pipeline([[Array("PING".utf8)]])[0]
        if case .failure(let error) = reply, error.isRejection {
            if credentials == nil && error.message.contains("NOAUTH") {
                throw LookupError("\(error.message) (the server requires a password: give one with password_env or password_file)", rejection: true)
            }
            throw error
        }
    }

    static func errorText(_ c: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: c.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Runs `commands` (each a list of arguments) in one round trip and returns their replies in order;
    /// a Redis error reply (WRONGTYPE…) is that command's result, every reply is read either way so the
    /// connection stays in step. NOAUTH and WRONGPASS replies are rejections. Throws only when the
    /// connection fails (it is then closed).
    public func pipeline(_ commands: [[[UInt8]]]) throws -> [Result<Reply, LookupError>] {
        guard !commands.isEmpty else { return [] }
        let c = try connect()
        return try exchange(c, commands).map { reply in
            guard case .error(let text) = reply else { return .success(reply) }
            let refused = text.hasPrefix("NOAUTH") || text.hasPrefix("WRONGPASS")
            return .failure(LookupError("redis \(address): \(text)", rejection: refused))
        }
    }

    /// Sends `commands` and reads one reply for each, over TLS or plain; a connection failure closes it.
    private func exchange(_ c: UnsafeMutablePointer<redisContext>, _ commands: [[[UInt8]]]) throws -> [Reply] {
        if let stream {
            var out: [UInt8] = []
            for command in commands {
                let lengths = command.map(\.count)
                var formatted: UnsafeMutablePointer<CChar>? = nil
                let length = withArgumentPointers(command) { argv in
                    lengths.withUnsafeBufferPointer { redisFormatCommandArgv(&formatted, Int32(command.count), argv, $0.baseAddress) }
                }
                guard length >= 0, let formatted else { try fail(c, "cannot format a command") }
                out.append(contentsOf: UnsafeRawBufferPointer(start: formatted, count: Int(length)))
                redisFreeCommand(formatted)
            }
            do { try out.withUnsafeBytes { try stream.write($0) } } catch {
                throw streamFailure(error)
            }
        } else {
            for command in commands {
                let lengths = command.map(\.count)
                let status: Int32 = withArgumentPointers(command) { argv in
                    lengths.withUnsafeBufferPointer { redisAppendCommandArgv(c, Int32(command.count), argv, $0.baseAddress) }
                }
                if status != REDIS_OK { try fail(c) }
            }
        }
        var replies: [Reply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            let raw = try nextReply(c)
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            defer { freeReplyObject(raw) }
            replies.append(reply.pointee.type == REDIS_REPLY_ERROR ? .error(Self.text(reply)) : Self.convert(reply))
        }
        unconfirmedTLS = false
        return replies
    }

    /// Closes the connection after a TLS read or write failed. With TLS 1.3 the handshake completes on
    /// our side before the server has checked our certificate; a server that refuses it sends an alert
    /// and closes, and our first write can turn that into a reset. So a session that fails before its
    /// first exchange completes was refused: a rejection.
    private func streamFailure(_ error: Error) -> Error {
        let refused = unconfirmedTLS
        disconnect()
        guard refused, let failure = error as? LookupError, !failure.isRejection else { return error }
        let reason = failure.message.replacingOccurrences(of: "redis \(address): ", with: "")
        return LookupError(
            "redis \(address): the server closed the TLS session before its first reply (\(reason)): it refused it "
                + "(does it require a client certificate? cert_file, key_file)", rejection: true)
    }

    /// The next reply: from hiredis' own socket reads, or over TLS from the bytes fed to its reader.
    private func nextReply(_ c: UnsafeMutablePointer<redisContext>) throws -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer? = nil
        guard let stream else {
            if redisGetReply(c, &raw) != REDIS_OK || raw == nil { try fail(c) }
            return raw!
        }
        while true {
            if redisReaderGetReply(c.pointee.reader, &raw) != REDIS_OK {
                let reason = withUnsafeBytes(of: c.pointee.reader.pointee.errstr) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                try fail(c, "protocol error: \(reason)")
            }
            if let raw { return raw }
            let n: Int
            do { n = try readBuffer.withUnsafeMutableBytes { try stream.read(into: $0) } } catch {
                throw streamFailure(error)
            }
            _ = readBuffer.withUnsafeBytes { redisReaderFeed(c.pointee.reader, $0.baseAddress!.assumingMemoryBound(to: CChar.self), n) }
        }
    }

    private func fail(_ c: UnsafeMutablePointer<redisContext>, _ reason: String? = nil) throws -> Never {
        let message = reason ?? (c.pointee.err != 0 ? Self.errorText(c) : "no reply")
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
