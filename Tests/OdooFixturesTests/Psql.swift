import Foundation
import TestSupport

/// Runs `psql` against the test cluster named by `STOCKD_TEST_PGPORT` (host 127.0.0.1, user postgres).
struct Psql: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let executable = "/usr/bin/psql"
    static var port: String? { ProcessInfo.processInfo.environment["STOCKD_TEST_PGPORT"] }
    /// Whether the PostgreSQL tests run: with a test cluster, and always under CI (`CI` set), where a missing
    /// cluster must fail the run rather than skip it silently.
    static var isAvailable: Bool { port != nil || ProcessInfo.processInfo.environment["CI"] != nil }
    /// The test cluster's port; under CI without one, PostgreSQL's default (the connection then fails loudly).
    static var portOrDefault: String { port ?? "5432" }

    let port: String
    let database: String

    /// Runs SQL text (written to a temporary file, so it may be megabytes long) with `ON_ERROR_STOP`, unaligned
    /// tuples-only output and `|` between fields; returns standard output.
    @discardableResult
    func run(_ sql: String) throws -> String {
        try withTemporaryDirectory(prefix: "stockd-psql") { path in
            let directory = URL(fileURLWithPath: path, isDirectory: true)
            let script = directory.appendingPathComponent("script.sql")
            try sql.write(to: script, atomically: false, encoding: .utf8)
            return try runFile(script.path, scratch: directory)
        }
    }

    private func runFile(_ path: String, scratch: URL) throws -> String {
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", database,
            "-A", "-t", "-F", "|", "-f", path,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["PGCONNECT_TIMEOUT"] = "10"
        environment["PGOPTIONS"] = "-c client_min_messages=warning"
        process.environment = environment
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "psql on \(database) exited with \(process.terminationStatus): \(stderr.prefix(2_000))")
        }
        return stdout
    }

    /// A fresh database, dropped by ``drop()``.
    static func createDatabase(port: String, prefix: String) throws -> Psql {
        let name = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try Psql(port: port, database: "postgres").run("CREATE DATABASE \(name);")
        return Psql(port: port, database: name)
    }

    func drop() {
        _ = try? Psql(port: port, database: "postgres").run("DROP DATABASE IF EXISTS \(database) WITH (FORCE);")
    }
}
