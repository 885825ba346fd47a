// LookupSecurityTests: Redis lookups with AUTH (requirepass, an ACL user) and TLS, against a real redis-server.
import Foundation
import RivuletTestSupport
import Testing

@Suite(.serialized) struct LookupSecurityTests {
    static let input = "{ type: file, path: in.csv, schema: { user_id: string, page: string } }"
    static let records = "user_id,page\nu1,/a\nu2,/b\nu3,/c\nu1,/d\n"
    static let enriched = "u1,/a,30,f\nu2,/b,40,m\nu3,/c,,\nu1,/d,30,f\n"

    static func seed(_ redis: RedisServer) throws {
        try redis.command(["HSET", "profile:u1", "age", "30", "gender", "f"])
        try redis.command(["HSET", "profile:u2", "age", "40", "gender", "m"])
    }

    /// A runner with the input written, and the lookup manifest against `redis` with `settings`.
    static func topology(_ redis: RedisServer, _ settings: String) -> (TopologyRunner, String) {
        let t = TopologyRunner()
        t.write("in.csv", records)
        return (t, LookupTests.manifest(redis, input: input, settings: settings))
    }

    /// Sets a fresh environment variable to `value` (a name no other test uses) and returns its name.
    static func environmentVariable(_ value: String) -> String {
        let name = "RIVULET_TEST_REDIS_PASSWORD_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
        setenv(name, value, 1)
        return name
    }

    /// Whether the run wrote no record anywhere (it failed before reading any).
    static func wroteNothing(_ t: TopologyRunner) -> Bool {
        !t.read("out.csv").contains("u1") && !t.read("dead.jsonl").contains("u1")
    }

    // MARK: requirepass

    @Test func thePasswordFromAnEnvironmentVariableEnrichesEveryRecord() throws {
        let redis = try RedisServer(password: "correct horse")
        try Self.seed(redis)
        let variable = Self.environmentVariable("correct horse")
        defer { unsetenv(variable) }
        let (t, manifest) = Self.topology(redis, "password_env: \(variable)")
        let summary = try t.run(manifest)
        #expect(t.read("out.csv") == Self.enriched)
        #expect(summary.deadLetters == 0)
        #expect(summary.lookups.first?.misses == 3)
    }

    @Test func thePasswordFileIsReadRelativeToTheManifest() throws {
        let redis = try RedisServer(password: "from-a-file")
        try Self.seed(redis)
        let (t, manifest) = Self.topology(redis, "password_file: secrets/redis-password")
        try FileManager.default.createDirectory(atPath: t.path("secrets"), withIntermediateDirectories: true)
        t.write("secrets/redis-password", "from-a-file\n")  // the trailing line break is not part of it
        _ = try t.run(manifest)
        #expect(t.read("out.csv") == Self.enriched)
    }

    @Test func aWrongPasswordFailsTheRunAtStartNamingTheLookup() throws {
        let redis = try RedisServer(password: "right")
        try Self.seed(redis)
        let (t, manifest) = Self.topology(redis, "password_file: wrong-password")
        t.write("wrong-password", "wrong")
        #expect {
            try t.run(manifest)
        } throws: { "\($0)".hasPrefix("profile: redis \(redis.address): authentication failed: WRONGPASS") }
        #expect(Self.wroteNothing(t), "no record was read, none dead-lettered")
        // The same through the CLI: exit status 1 and the message.
        let cli = try ExamplesTests.rivulet(["run", "--quiet", t.path("manifest.yaml")])
        #expect(cli.status == 1)
        #expect(cli.stderr.contains("rivulet: run failed: profile: redis \(redis.address): authentication failed: WRONGPASS"), "\(cli.stderr)")
    }

    /// Without a password, a server that requires one used to dead-letter every record with NOAUTH.
    @Test func noPasswordForAServerThatRequiresOneFailsTheRunAtStart() throws {
        let redis = try RedisServer(password: "needed")
        let (t, manifest) = Self.topology(redis, "")
        #expect {
            try t.run(manifest)
        } throws: {
            let text = "\($0)"
            return text.hasPrefix("profile: redis \(redis.address): NOAUTH") && text.contains("give one with password_env or password_file")
        }
        #expect(Self.wroteNothing(t))
    }

    @Test func anUnsetPasswordVariableIsALocatedError() throws {
        let redis = try RedisServer()
        let (t, manifest) = Self.topology(redis, "password_env: RIVULET_TEST_NEVER_SET_\(getpid())")
        #expect {
            try t.plan(manifest)
        } throws: {
            "\($0)"
                == "\(t.path("manifest.yaml")):7:5: error: 'profile': password_env names RIVULET_TEST_NEVER_SET_\(getpid()), which is not set in the environment"
        }
    }

    // MARK: ACL users

    /// `AUTH enricher <password>`: a Redis 6 ACL user allowed HMGET on profile:* only (not even PING).
    @Test func anACLUserWithItsPasswordEnrichesEveryRecord() throws {
        let redis = try RedisServer(
            password: "admin-password", arguments: ["--user", "enricher", "on", ">enricher-password", "~profile:*", "+hmget"])
        try Self.seed(redis)
        let variable = Self.environmentVariable("enricher-password")
        defer { unsetenv(variable) }
        let (t, manifest) = Self.topology(redis, "username: enricher\npassword_env: \(variable)")
        _ = try t.run(manifest)
        #expect(t.read("out.csv") == Self.enriched)
        // The default user's password is not the enricher's.
        setenv(variable, "admin-password", 1)
        #expect {
            try t.run(manifest)
        } throws: { "\($0)".hasPrefix("profile: redis \(redis.address): authentication as user 'enricher' failed: WRONGPASS") }
    }

    /// The slow generator (100 records/s, one round trip each) through a lookup as `enricher`; once 20
    /// records reached the sink, `change` runs (once) against the server; once 20 more records have
    /// reached the sink or been dead-lettered, the run is stopped (or after 60 s, so a broken test ends).
    /// Returns the runner, the records read and the records dead-lettered.
    static func runSlowly(_ redis: RedisServer, password variable: String, change: @escaping () throws -> Void) throws
        -> (TopologyRunner, read: Int64, deadLetters: Int64)
    {
        let t = TopologyRunner()
        let manifest = LookupTests.manifest(
            redis, input: LookupTests.slowInput, cache: "{ entries: 0 }", batch: 1,
            settings: "username: enricher\npassword_env: \(variable)"
        )
        .replacingOccurrences(of: "key: user_id", with: "key: key")
        var changedAt: Int64?
        let deadline = Deadline(seconds: 60)
        let plan = try t.plan(manifest)
        let summary = try plan.run(progressInterval: 0.02) { progress in
            let handled = progress.recordsOut + plan.deadLettered
            if changedAt == nil && progress.recordsOut >= 20 {
                changedAt = handled
                try? change()
            }
            if let changedAt, handled >= changedAt + 20 { plan.requestStop() }
            if deadline.hasPassed { plan.requestStop() }
        }
        #expect(changedAt != nil)
        return (t, summary.recordsIn, summary.deadLetters)
    }

    static func aclServer() throws -> RedisServer {
        try RedisServer(password: "admin-password", arguments: ["--user", "enricher", "on", ">enricher-password", "~*", "+get", "+hmget"])
    }

    /// The server drops the lookup's connection mid-run: the reconnect authenticates again and lookups go on.
    @Test func aReconnectAuthenticatesAgain() throws {
        let redis = try Self.aclServer()
        let variable = Self.environmentVariable("enricher-password")
        defer { unsetenv(variable) }
        var killed = ""
        let (t, read, deadLetters) = try Self.runSlowly(redis, password: variable) {
            killed = try redis.command(["CLIENT", "KILL", "USER", "enricher"])
        }
        #expect(killed == "1", "the lookup's connection was dropped")
        let written = Int64(t.read("out.csv").split(separator: "\n").count)
        #expect(deadLetters <= 1, "at most the lookup in flight when the connection dropped")
        #expect(written >= 39, "lookups went on after the reconnect")
        #expect(written + deadLetters == read)
    }

    /// The password changes mid-run: the reconnect is refused, and that stops the run although
    /// on_error is dead_letter (every later record would fail the same way).
    @Test func aPasswordRefusedOnReconnectStopsTheRun() throws {
        let redis = try Self.aclServer()
        let variable = Self.environmentVariable("enricher-password")
        defer { unsetenv(variable) }
        #expect {
            try Self.runSlowly(redis, password: variable) {
                try redis.command(["ACL", "SETUSER", "enricher", "resetpass", ">changed"])
                try redis.command(["CLIENT", "KILL", "USER", "enricher"])
            }
        } throws: { "\($0)".hasPrefix("profile: lookup failed: redis \(redis.address): authentication as user 'enricher' failed: WRONGPASS") }
    }

    // MARK: TLS

    static let tls: Testing.ConditionTrait = .enabled("redis-server serves TLS") {
        if let reason = RedisServer.tlsUnavailable {
            print("LookupSecurityTests: skipping the TLS tests: this redis-server does not serve TLS: \(reason)")
            return false
        }
        return true
    }

    /// A TLS server that also requires a password; the lookup trusts the test CA.
    @Test(tls) func lookupsOverTLSVerifyTheServerAgainstTheCA() throws {
        let certificates = try TestCertificates()
        let redis = try RedisServer(password: "over-tls", tls: certificates)
        try Self.seed(redis)
        let variable = Self.environmentVariable("over-tls")
        defer { unsetenv(variable) }
        for serverName in ["", "\n  server_name: localhost"] {
            let (t, manifest) = Self.topology(redis, "password_env: \(variable)\ntls:\n  ca_file: \(certificates.caFile)\(serverName)")
            let plan = try t.plan(manifest)
            #expect(plan.describeText().contains("redis lookup \(redis.address) (tls, auth) hash"))
            _ = try plan.run()
            #expect(t.read("out.csv") == Self.enriched)
        }
    }

    @Test(tls) func aServerCertificateTheCADidNotSignFailsTheRunAtStart() throws {
        let certificates = try TestCertificates()
        let redis = try RedisServer(tls: certificates)
        let (t, manifest) = Self.topology(redis, "tls: { ca_file: \(certificates.otherCAFile) }")
        #expect {
            try t.run(manifest)
        } throws: {
            "\($0)".hasPrefix("profile: redis \(redis.address): TLS handshake failed: the server's certificate was not accepted (")
        }
        #expect(Self.wroteNothing(t))
        // The right CA, but a name the certificate is not for.
        let (t2, misnamed) = Self.topology(redis, "tls: { ca_file: \(certificates.caFile), server_name: redis.example.org }")
        #expect {
            try t2.run(misnamed)
        } throws: {
            "\($0)" == "profile: redis \(redis.address): TLS handshake failed: the server's certificate was not accepted (hostname mismatch)"
        }
    }

    @Test(tls) func aClientCertificateIsPresentedWhenTheServerRequiresOne() throws {
        let certificates = try TestCertificates()
        let redis = try RedisServer(tls: certificates, requireClientCertificates: true)
        try Self.seed(redis)
        let (t, manifest) = Self.topology(
            redis, "tls: { ca_file: \(certificates.caFile), cert_file: \(certificates.clientCertificate), key_file: \(certificates.clientKey) }")
        _ = try t.run(manifest)
        #expect(t.read("out.csv") == Self.enriched)
        let (t2, withoutCertificate) = Self.topology(redis, "tls: { ca_file: \(certificates.caFile) }")
        #expect {
            try t2.run(withoutCertificate)
        } throws: {
            // The server's alert ("certificate required"), or the reset it becomes when our first write crosses it.
            let text = "\($0)"
            return text.hasPrefix("profile: redis \(redis.address): ") && text.contains("certificate")
        }
        #expect(Self.wroteNothing(t2))
    }

    /// A server going away mid-run over TLS is an outage, not a refusal: records are dead-lettered.
    @Test(tls) func aTLSServerStoppedMidRunDeadLettersTheRecordsThatNeedIt() throws {
        let certificates = try TestCertificates()
        let redis = try RedisServer(tls: certificates)
        let t = TopologyRunner()
        let manifest = LookupTests.manifest(
            redis, input: LookupTests.slowInput, cache: "{ entries: 0 }", batch: 1,
            settings: "tls: { ca_file: \(certificates.caFile) }"
        )
        .replacingOccurrences(of: "key: user_id", with: "key: key")
        let summary = try LookupTests.runStoppingTheServer(t, manifest, redis)
        let written = t.read("out.csv").split(separator: "\n").count
        #expect(written >= 10, "lookups succeeded before the stop")
        #expect(summary.deadLetters > 10, "and failed after it")
        #expect(Int64(written) + summary.deadLetters == summary.recordsIn, "nothing lost")
        #expect(t.read("dead.jsonl").contains("redis \(redis.address):"))
    }

    @Test func aCAFileThatDoesNotExistIsALocatedError() throws {
        let redis = try RedisServer()
        let (t, manifest) = Self.topology(redis, "tls: { ca_file: certs/missing.pem }")
        #expect {
            try t.plan(manifest)
        } throws: {
            "\($0)" == "\(t.path("manifest.yaml")):7:21: error: 'profile': tls ca_file: no such file: '\(t.path("certs/missing.pem"))'"
        }
    }

    /// `rivulet validate` warns (and succeeds) for a server off this machine without TLS; it connects to nothing.
    @Test func validateWarnsAboutARemoteServerWithoutTLS() throws {
        let t = TopologyRunner()
        t.write("in.csv", Self.records)
        t.write("manifest.yaml", LookupTests.manifest(address: "192.0.2.10:6379", input: Self.input))
        let result = try ExamplesTests.rivulet(["validate", t.path("manifest.yaml")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("manifest.yaml:6:14: warning: lookup 'profile' connects to 192.0.2.10:6379 without TLS"), "\(result.stderr)")
    }
}
