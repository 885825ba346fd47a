// TestCertificates: a throw-away CA with a server and a client certificate, and an unrelated CA, made with openssl.
import Foundation

/// Runs `openssl` (Debian's) in a fresh temporary folder: a CA, a server certificate it signs for
/// `localhost` and `127.0.0.1`, a client certificate it signs, and a second, unrelated CA (the wrong one
/// to trust). EC P-256 keys, valid for two days. PEM files.
public struct TestCertificates: Sendable {
    public let folder: String
    public var caFile: String { folder + "/ca.crt" }
    public var serverCertificate: String { folder + "/server.crt" }
    public var serverKey: String { folder + "/server.key" }
    public var clientCertificate: String { folder + "/client.crt" }
    public var clientKey: String { folder + "/client.key" }
    public var otherCAFile: String { folder + "/other-ca.crt" }

    public init() throws {
        folder = Fixtures.temporaryDirectory("rivulet-tls")
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "other-ca"] {
            try Self.openssl(
                ["req", "-x509"] + key + [
                    "-keyout", "\(ca).key", "-out", "\(ca).crt", "-days", "2", "-subj", "/CN=Rivulet test \(ca)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ], in: folder)
        }
        Fixtures.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", to: folder + "/server.ext")
        Fixtures.write("extendedKeyUsage=clientAuth\n", to: folder + "/client.ext")
        for (name, subject) in [("server", "/CN=localhost"), ("client", "/CN=rivulet-client")] {
            try Self.openssl(["req", "-new"] + key + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: folder)
            try Self.openssl(
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
                ], in: folder)
        }
    }

    static func openssl(_ arguments: [String], in folder: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let errors = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = errors
        try p.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(
                domain: "TestCertificates", code: Int(p.terminationStatus),
                userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments.joined(separator: " ")) failed: \(text)"])
        }
    }
}
