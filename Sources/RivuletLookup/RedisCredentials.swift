// RedisCredentials: what a Redis client authenticates with: an optional ACL user name and a password.

/// Sent as `AUTH password` or, with a user name, `AUTH username password` (Redis 6 ACLs) on every connect.
/// The password never appears in messages or descriptions.
public struct RedisCredentials: Sendable, CustomStringConvertible {
    public let username: String?
    public let password: String

    public init(username: String?, password: String) {
        self.username = username
        self.password = password
    }

    /// The AUTH command's arguments.
    var command: [[UInt8]] {
        [Array("AUTH".utf8)] + (username.map { [Array($0.utf8)] } ?? []) + [Array(password.utf8)]
    }

    public var description: String { username.map { "user \($0) with a password" } ?? "a password" }
}
